/** The options of `migratingQueues`, and the settings they resolve to with defaults (pure). */
import type { Redis, RedisOptions } from 'ioredis';
import { QueueOptionError } from './errors.js';
import type { Topology } from './naming.js';
import type { BackoffStrategy, QueueFlags } from './types.js';

/** Lock and stall settings, applied to both sides' workers (same names and meaning in Bull and BullMQ). */
export interface WorkerSettings {
  /** How long a job's lock lasts before it counts as stalled (ms). Default 30000. */
  lockDuration?: number;
  /** How often to look for stalled jobs (ms). Default 30000. */
  stalledInterval?: number;
  /** Stalls before a job fails instead of being retried. Default 1. */
  maxStalledCount?: number;
  /** Seconds an idle worker blocks waiting for a job. Default 5. */
  drainDelay?: number;
}

/** How an old side's worker is stopped after a flip. */
export interface DrainSettings {
  /** How often a draining worker looks at the backlog it has left (ms). Default 250. */
  pollMs?: number;
  /** The backlog must read zero twice this far apart before the worker stops (ms). Default 1000. */
  settleMs?: number;
  /** Longest wait for every live app instance to apply the change before the backlog alone decides (ms). Default 15000. */
  ackTimeoutMs?: number;
  /** After a worker stopped, how long its side is watched for a late job, which restarts it (ms). Default 60000. */
  watchMs?: number;
}

/** Options of `migratingQueues()`; only `flags` is required (defaults in docs/app-integration.md). */
export interface MigratingQueuesOptions {
  /** The flags to follow: `await connectFlags({ app, ... })` from `redis-migrate/flags`. */
  flags: QueueFlags;
  /** The Redis with the queues (both sides). Default: REDIS_URL, then redis://127.0.0.1:6379. */
  redisUrl?: string;
  /** Prefix of this process's connection names (`<name>:bullmq`, `<name>:bull:<queue>`). Default: the flags' app name. */
  name?: string;
  /**
   * Producer-only processes: adds fail at once while Redis is unreachable instead of waiting for it
   * (BullMQ's advice for producers). Applies to the connection the adapter opens; `process` is refused.
   */
  failFast?: boolean;
  bull?: {
    /** Bull's key prefix. Default "bull". */
    prefix?: string;
    /** Options for Bull's own connections (its bundled ioredis), same server as BullMQ's. Default: from `redisUrl` or the BullMQ connection. */
    redis?: RedisOptions;
  };
  bullmq?: {
    /** BullMQ's key prefix: must differ from Bull's, as the plan requires. Default "bullmq". */
    prefix?: string;
    /** The one connection every BullMQ Queue and Worker of the process shares (`maxRetriesPerRequest: null`). Not closed by `close()`. */
    connection?: Redis;
  };
  /** "per-queue" (default), or every queue's BullMQ jobs in one queue, routed by job name. */
  topology?: 'per-queue' | { merged: string; concurrency?: number };
  worker?: WorkerSettings;
  drain?: DrainSettings;
  /** Custom backoff types, used by both sides. */
  backoffStrategies?: Record<string, BackoffStrategy>;
}

/** The options with every default filled in (internal). */
export interface Settings {
  name: string;
  failFast: boolean;
  prefixes: { bull: string; bullmq: string };
  topology: Topology;
  worker: Required<WorkerSettings>;
  drain: Required<DrainSettings>;
  strategies: Readonly<Record<string, BackoffStrategy>>;
  strategyNames: ReadonlySet<string>;
}

const PREFIX = /^[^\s]+$/;

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0)
    throw new QueueOptionError('queues.option', `${name} must be a non-negative number, got ${value}`, `e.g. ${name}: ${fallback}`);
  return value;
}

/** @throws QueueOptionError for settings that cannot work (same prefixes, a bad merged queue name). */
export function resolveSettings(options: MigratingQueuesOptions): Settings {
  if (!options.flags || typeof options.flags.useBullMQ !== 'function') {
    throw new QueueOptionError(
      'queues.option',
      'migratingQueues needs flags',
      "pass { flags: await connectFlags({ app: 'worker' }) } from redis-migrate/flags",
    );
  }
  const prefixes = { bull: options.bull?.prefix ?? 'bull', bullmq: options.bullmq?.prefix ?? 'bullmq' };
  for (const [side, prefix] of Object.entries(prefixes)) {
    if (!PREFIX.test(prefix))
      throw new QueueOptionError(
        'queues.option',
        `${side}.prefix "${prefix}" is empty or has spaces`,
        'use the prefix of the plan (legacy.prefix, bullmq.prefix)',
      );
  }
  if (prefixes.bull === prefixes.bullmq) {
    throw new QueueOptionError(
      'queues.prefix-collision',
      `Bull and BullMQ share the prefix "${prefixes.bull}": they would take each other's jobs`,
      "give BullMQ its own prefix, e.g. bullmq: { prefix: 'bullmq' } (the plan's bullmq.prefix)",
    );
  }
  let topology: Topology = { kind: 'per-queue' };
  if (options.topology !== undefined && options.topology !== 'per-queue') {
    const { merged, concurrency } = options.topology;
    if (typeof merged !== 'string' || merged === '' || merged.includes(':')) {
      throw new QueueOptionError(
        'queues.option',
        `topology.merged must name one BullMQ queue without ":", got ${JSON.stringify(merged)}`,
        "e.g. topology: { merged: 'jobs' }",
      );
    }
    topology = {
      kind: 'merged',
      queue: merged,
      concurrency: concurrency === undefined ? undefined : Math.max(1, positive('topology.concurrency', concurrency, 1)),
    };
  }
  const worker = options.worker ?? {};
  const drain = options.drain ?? {};
  const strategies = { ...options.backoffStrategies };
  for (const [type, strategy] of Object.entries(strategies)) {
    if (typeof strategy !== 'function')
      throw new QueueOptionError(
        'queues.option',
        `backoffStrategies.${type} is not a function`,
        'a strategy is (attemptsMade, error) => delay in ms, or -1 to stop retrying',
      );
  }
  return {
    name: options.name ?? options.flags.app ?? 'app',
    failFast: options.failFast === true,
    prefixes,
    topology,
    worker: {
      lockDuration: positive('worker.lockDuration', worker.lockDuration, 30_000),
      stalledInterval: positive('worker.stalledInterval', worker.stalledInterval, 30_000),
      maxStalledCount: positive('worker.maxStalledCount', worker.maxStalledCount, 1),
      drainDelay: positive('worker.drainDelay', worker.drainDelay, 5),
    },
    drain: {
      pollMs: positive('drain.pollMs', drain.pollMs, 250),
      settleMs: positive('drain.settleMs', drain.settleMs, 1000),
      ackTimeoutMs: positive('drain.ackTimeoutMs', drain.ackTimeoutMs, 15_000),
      watchMs: positive('drain.watchMs', drain.watchMs, 60_000),
    },
    strategies,
    strategyNames: new Set(Object.keys(strategies)),
  };
}
