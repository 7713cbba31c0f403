/** What every job does, in either system: a little cache and rate-limiter traffic, some work, a record. */
import { setTimeout as sleep } from 'node:timers/promises';
import { tickOf, type QueueSystem } from './catalog.js';
import type { EventReporter } from './events.js';
import type { Kv } from './kv.js';

export interface JobData {
  kind?: 'job' | 'tick';
  /** The producer's id for the job (also its queue job id). */
  id?: string;
  /** A compensating tick job carries the tick it stands for. */
  tick?: number;
  n?: number;
  at?: number;
}

export interface JobLike {
  id?: string | number | undefined;
  data: JobData;
  attemptsMade: number;
}

export type Handler = (system: QueueSystem, queue: string, job: JobLike) => Promise<void>;

export function makeHandler(reporter: EventReporter, kv: Kv | undefined, workMs: number, keyPrefix: string): Handler {
  return async (system, queue, job) => {
    const data = job.data ?? {};
    if (data.kind === 'tick') {
      const tick = tickOf(job.id === undefined ? undefined : String(job.id), data);
      if (tick !== undefined) await reporter.fired([queue, system, tick]);
      return;
    }
    if (kv) {
      const cacheKey = `${keyPrefix}cache:${queue}:${(data.n ?? 0) % 64}`;
      const cached = await kv.cache.get(cacheKey);
      if (cached === null) await kv.cache.set(cacheKey, String(data.at ?? 0), { ex: 60 });
      await (queue.includes('notification') ? kv.sms : kv.limiter).limit(queue);
    }
    if (workMs > 0) await sleep(workMs);
    await reporter.done([data.id ?? String(job.id), queue, system, job.attemptsMade + 1]);
  };
}
