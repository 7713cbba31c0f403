/**
 * Real Bull and BullMQ clients for tests, with one close() that stops every one of them (workers
 * first, then queues, then the shared connection), so no test leaves a socket or timer behind.
 */
import Bull from 'bull';
import { Queue, QueueEvents, Worker, type Processor } from 'bullmq';
import { Cluster, Redis } from 'ioredis';
import { defaultPlan } from '../../src/plan/default-plan.js';

export const QUEUES = defaultPlan().tiers.flatMap((tier) => tier.queues);

export interface Fleet {
  close(): Promise<void>;
}

/** Bull's default pattern: `new Queue(name, {redis})` + `process()`: 3 connections per queue. */
export function startBull(
  port: number,
  queues: readonly string[],
  options: { prefix?: string; processor?: () => Promise<unknown> } = {},
): Fleet & { queues: Bull.Queue[] } {
  const created = queues.map((name) => {
    const queue = new Bull(name, { redis: { port, host: '127.0.0.1' }, prefix: options.prefix ?? 'bull' });
    void queue.process(options.processor ?? (async () => 'ok'));
    return queue;
  });
  return {
    queues: created,
    async close() {
      await Promise.all(created.map((queue) => queue.close().catch(() => undefined)));
    },
  };
}

export interface BullmqFleetOptions {
  prefix?: string;
  queueEvents?: boolean;
  processor?: Processor;
  /** A Redis Cluster seed port instead of a single server. */
  cluster?: boolean;
}

/** BullMQ with one shared ioredis for every Queue and Worker (1 + W connections, + E with QueueEvents). */
export function startBullmq(
  port: number,
  queues: readonly string[],
  options: BullmqFleetOptions = {},
): Fleet & { queues: Queue[]; connection: Redis | Cluster } {
  const connection = options.cluster
    ? new Cluster([{ host: '127.0.0.1', port }], { redisOptions: { maxRetriesPerRequest: null } })
    : new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: null });
  connection.on('error', () => undefined);
  const prefix = options.prefix ?? 'bullmq';
  const made = queues.map((name) => ({
    queue: new Queue(name, { connection, prefix }),
    worker: new Worker(name, options.processor ?? (async () => 'ok'), { connection, prefix }),
    events: options.queueEvents ? new QueueEvents(name, { connection, prefix }) : null,
  }));
  for (const { worker } of made) worker.on('error', () => undefined);
  return {
    queues: made.map((entry) => entry.queue),
    connection,
    async close() {
      await Promise.all(made.map(({ worker }) => worker.close(true).catch(() => undefined)));
      await Promise.all(made.map(({ events }) => events?.close().catch(() => undefined)));
      await Promise.all(made.map(({ queue }) => queue.close().catch(() => undefined)));
      await connection.quit().catch(() => connection.disconnect());
    },
  };
}
