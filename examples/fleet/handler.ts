/** What every job does, on either side: a little cache and rate-limiter traffic, some work, a record. */
import { setTimeout as sleep } from 'node:timers/promises';
import type { QueueJob } from '../../src/adapters/queues/index.js';
import type { EventReporter } from './events.js';
import type { Kv } from './kv.js';

export interface JobData {
  kind?: 'job' | 'tick';
  /** The producer's id for the job (also its queue job id). */
  id?: string;
  n?: number;
  at?: number;
}

export type Handler = (queue: string, job: QueueJob<JobData>) => Promise<void>;

export function makeHandler(reporter: EventReporter, kv: Kv | undefined, workMs: number, keyPrefix: string): Handler {
  return async (queue, job) => {
    const data = job.data ?? {};
    if (job.repeatTick !== undefined) {
      await reporter.fired([queue, job.side, job.repeatTick, Date.now()]);
      return;
    }
    if (kv) {
      const cacheKey = `${keyPrefix}cache:${queue}:${(data.n ?? 0) % 64}`;
      const cached = await kv.cache.get(cacheKey);
      if (cached === null) await kv.cache.set(cacheKey, String(data.at ?? 0), { ex: 60 });
      await (queue.includes('notification') ? kv.sms : kv.limiter).limit(queue);
    }
    if (workMs > 0) await sleep(workMs);
    await reporter.done([data.id ?? job.id, queue, job.side, job.attemptsMade + 1]);
  };
}
