/** What every job does, on either side: a little cache and rate-limiter traffic, some work, a record. */
import { setTimeout as sleep } from 'node:timers/promises';
import type { QueueJob } from '../../src/adapters/queues/index.js';
import type { EventReporter } from './events.js';
import type { KvStores } from './kv.js';

export interface JobData {
  kind?: 'job' | 'tick';
  /** The producer's id for the job (also its queue job id). */
  id?: string;
  n?: number;
  at?: number;
}

export type Handler = (queue: string, job: QueueJob<JobData>) => Promise<void>;

export function makeHandler(reporter: EventReporter, kv: KvStores | undefined, workMs: number, keyPrefix: string): Handler {
  return async (queue, job) => {
    const data = job.data ?? {};
    if (job.repeatTick !== undefined) {
      await reporter.fired([queue, job.side, job.repeatTick, Date.now()]);
      return;
    }
    if (kv) {
      const cacheKey = `${keyPrefix}cache:${queue}:${(data.n ?? 0) % 64}`;
      const cached = await kv.store('cache').get(cacheKey);
      if (cached === null) await kv.store('cache').set(cacheKey, String(data.at ?? 0), 60);
      const limiter = queue.includes('notification') ? kv.store('sms') : kv.store('ratelimit');
      await limiter.hit(`${keyPrefix}limit:${queue}`, 1);
    }
    if (workMs > 0) await sleep(workMs);
    await reporter.done([data.id ?? job.id, queue, job.side, job.attemptsMade + 1]);
  };
}
