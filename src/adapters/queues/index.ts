/**
 * `redis-migrate/queues`: the app's queues on Bull or BullMQ, one by one as the flags say, switching
 * live without losing a job or a repeat tick. Importing it starts nothing and loads neither Bull nor
 * BullMQ; each is imported the first time a queue needs it. Guide: docs/app-integration.md.
 */
export { migratingQueues, MigratingQueues } from './queues.js';
export { MigratingQueue, type BulkJob } from './queue.js';
export { sharedConnection, type SharedConnectionOptions } from './connection.js';
export { QueueOptionError, QueuesClosedError } from './errors.js';
export type { MigratingQueuesOptions, WorkerSettings, DrainSettings } from './settings.js';
export { SIDES } from './types.js';
export type {
  AddOptions,
  BackoffOptions,
  BackoffStrategy,
  JobOptions,
  KeepJobs,
  MigratingQueuesEvents,
  ProcessOptions,
  Processor,
  QueueEvents,
  QueueFlags,
  QueueJob,
  RepeatJobOptions,
  RepeatMove,
  RepeatOptions,
  RolloutStatus,
  Side,
  WorkerChange,
} from './types.js';
