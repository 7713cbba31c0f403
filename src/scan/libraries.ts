/**
 * The libraries the scan follows, and what their exports, methods and callbacks hand back, so a value
 * can be followed from the import to the line that uses it. Only what the rules need is modelled.
 */
import { KIND, bullType, listOf, nestBull, promiseOf, type Kind } from './kinds.js';

export type TrackedModule = 'bull' | '@nestjs/bull' | 'ioredis' | '@upstash/redis' | '@bull-board/api/bullAdapter';

/** A module specifier → the library, or null for anything else (`@upstash/redis/nodejs` counts). */
export function trackedModule(specifier: string): TrackedModule | null {
  if (specifier === 'bull' || specifier === 'ioredis' || specifier === '@nestjs/bull' || specifier === '@bull-board/api/bullAdapter') return specifier;
  if (specifier === '@upstash/redis' || specifier.startsWith('@upstash/redis/')) return '@upstash/redis';
  return null;
}

/** What `import X from`, `import * as X from` and `require()` of the module give. */
export function moduleValue(module: TrackedModule): Kind {
  switch (module) {
    case 'bull':
      return KIND.bullClass;
    case 'ioredis':
      return KIND.ioredisClass;
    case '@upstash/redis':
      return KIND.upstashModule;
    case '@nestjs/bull':
      return KIND.nestBullModule;
    case '@bull-board/api/bullAdapter':
      return 'board-module';
  }
}

/** What `import { name } from` the module gives (also `require(m).name` and `const { name } = require(m)`). */
export function namedExport(module: TrackedModule, name: string): Kind | null {
  switch (module) {
    case 'bull':
      return name === 'default' ? KIND.bullClass : bullType(name);
    case 'ioredis':
      if (name === 'Cluster') return KIND.ioredisClusterClass;
      if (name === 'Redis' || name === 'default') return KIND.ioredisClass;
      return null;
    case '@upstash/redis':
      return name === 'Redis' ? KIND.upstashClass : null;
    case '@nestjs/bull':
      return nestBull(name);
    case '@bull-board/api/bullAdapter':
      return name === 'BullAdapter' ? KIND.boardAdapterClass : null;
  }
}

/** `new X()` / `X()` of a kind: the instance it makes. Bull's Queue may be called without `new`. */
export function constructed(kind: Kind | null, viaNew: boolean): Kind | null {
  if (kind === KIND.bullClass) return KIND.bullQueue;
  if (!viaNew) return null;
  if (kind === KIND.ioredisClass || kind === KIND.ioredisClusterClass) return KIND.ioredis;
  if (kind === KIND.upstashClass) return KIND.upstash;
  return null;
}

/** A type name (`Queue`, `Bull.Job`, `Redis`) as the kind of the value it annotates. */
export function annotated(kind: Kind | null): Kind | null {
  if (!kind) return null;
  if (kind === bullType('Queue')) return KIND.bullQueue;
  if (kind === bullType('Job')) return KIND.bullJob;
  if (kind === bullType('DoneCallback')) return KIND.bullDone;
  if (kind === KIND.ioredisClass || kind === KIND.ioredisClusterClass) return KIND.ioredis;
  if (kind === KIND.upstashClass) return KIND.upstash;
  if (kind === bullType('Pipeline') || kind === 'ioredis-type:Pipeline') return KIND.ioredisBatch;
  return null;
}

/** Static members: `Bull.Job`, `Redis.Cluster`, `Redis.fromEnv()`. */
export function staticMember(kind: Kind | null, name: string): Kind | null {
  if (kind === KIND.bullClass) return bullType(name);
  if (kind === KIND.ioredisClass) return name === 'Cluster' ? KIND.ioredisClusterClass : name === 'Redis' || name === 'default' ? KIND.ioredisClass : null;
  if (kind === KIND.upstashModule) return name === 'Redis' ? KIND.upstashClass : null;
  if (kind === KIND.nestBullModule) return nestBull(name);
  if (kind === 'board-module') return name === 'BullAdapter' ? KIND.boardAdapterClass : null;
  return null;
}

const BULL_JOB_LISTS = new Set(['getJobs', 'getWaiting', 'getActive', 'getDelayed', 'getCompleted', 'getFailed', 'getPaused', 'addBulk']);
const BATCH_CHAIN = /^[a-z]/;

/** What calling `receiver.method()` returns, for receivers the scan follows. */
export function methodResult(receiver: Kind | null, method: string): Kind | null {
  switch (receiver) {
    case KIND.bullQueue:
      if (method === 'add' || method === 'getJob' || method === 'getNextJob') return promiseOf(KIND.bullJob);
      if (BULL_JOB_LISTS.has(method)) return promiseOf(listOf(KIND.bullJob));
      return null;
    case KIND.bullClass:
      if (method === 'Job') return null;
      return null;
    case KIND.ioredis:
      if (method === 'pipeline' || method === 'multi') return KIND.ioredisBatch;
      if (method === 'duplicate') return KIND.ioredis;
      return null;
    case KIND.ioredisBatch:
      // Commands on a pipeline chain: redis.pipeline().set(..).expire(..).exec()
      return method !== 'exec' && BATCH_CHAIN.test(method) ? KIND.ioredisBatch : null;
    case KIND.upstashClass:
      return method === 'fromEnv' ? KIND.upstash : null;
    case KIND.upstash:
      return method === 'pipeline' || method === 'multi' ? KIND.upstashBatch : null;
    case KIND.upstashBatch:
      return method !== 'exec' && BATCH_CHAIN.test(method) ? KIND.upstashBatch : null;
    default:
      return null;
  }
}

/** Properties of followed values that are followed values too (`job.queue`, `queue.client`). */
export function propertyKind(receiver: Kind | null, name: string): Kind | null {
  if (receiver === KIND.bullJob && name === 'queue') return KIND.bullQueue;
  if (receiver === KIND.bullQueue && (name === 'client' || name === 'eclient' || name === 'bclient')) return KIND.ioredis;
  return null;
}

/** Bull's events and what their listeners receive (local events; `global:` ones get job ids). */
export const BULL_EVENT_ARGS: Readonly<Record<string, readonly (Kind | null)[]>> = {
  active: [KIND.bullJob],
  completed: [KIND.bullJob],
  failed: [KIND.bullJob],
  progress: [KIND.bullJob],
  stalled: [KIND.bullJob],
  lock_extension_failed: [KIND.bullJob],
  removed: [KIND.bullJob],
  waiting: [],
  error: [],
  cleaned: [listOf(KIND.bullJob)],
  drained: [],
  paused: [],
  resumed: [],
};

/** The parameters of a callback passed to `receiver.method(...)`, by position of the callback's parameters. */
export function callbackParams(receiver: Kind | null, method: string, eventName: string | null): readonly (Kind | null)[] | null {
  if (receiver === KIND.bullQueue) {
    if (method === 'process') return [KIND.bullJob, KIND.bullDone];
    if ((method === 'on' || method === 'once') && eventName !== null) return BULL_EVENT_ARGS[eventName] ?? null;
  }
  return null;
}
