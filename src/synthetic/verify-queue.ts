/**
 * One queue through real BullMQ, on an isolated prefix: a job that succeeds, one that fails twice
 * then succeeds (retries with backoff), one that fails for good, one that reports progress. The
 * completed / failed / progress events must arrive on a QueueEvents listener. Decisions about what
 * passed are in `judgeQueue` (pure).
 */
import type { RedisClient } from '../redis/client.js';

export const VERIFY_JOBS = ['succeeds', 'retries', 'fails', 'progress'] as const;
export type VerifyJob = (typeof VERIFY_JOBS)[number];

export interface VerifyCheck {
  name: string;
  ok: boolean;
  detail: string;
}

export interface QueueVerification {
  queue: string;
  ok: boolean;
  durationMs: number;
  checks: VerifyCheck[];
}

/** What was observed for one queue; `judgeQueue` turns it into checks. */
export interface Observed {
  completed: Set<VerifyJob>;
  failed: Map<VerifyJob, string>;
  progress: number[];
  /** Start time of each attempt of the retrying job, ms. */
  retryAttempts: number[];
  /** attemptsMade and state read back from Redis at the end. */
  final: Partial<Record<VerifyJob, { state: string; attemptsMade: number }>>;
  error?: string;
}

export interface VerifySettings {
  backoffMs: number;
  timeoutMs: number;
}

export function judgeQueue(observed: Observed, settings: VerifySettings): VerifyCheck[] {
  const { completed, failed, final } = observed;
  const gaps = observed.retryAttempts.slice(1).map((at, i) => at - (observed.retryAttempts[i] as number));
  const minGap = gaps.length ? Math.min(...gaps) : 0;
  const checks: VerifyCheck[] = [
    {
      name: 'completes',
      ok: completed.has('succeeds') && final.succeeds?.state === 'completed',
      detail: completed.has('succeeds') ? 'completed event received' : 'no completed event',
    },
    {
      name: 'retries with backoff',
      ok: completed.has('retries') && final.retries?.attemptsMade === 3 && gaps.length === 2 && minGap >= settings.backoffMs * 0.9,
      detail: completed.has('retries')
        ? `completed after ${final.retries?.attemptsMade ?? '?'} attempts, ${gaps.map((gap) => `${gap} ms`).join(' and ') || 'no'} between them (backoff ${settings.backoffMs} ms)`
        : `not completed (${observed.retryAttempts.length} attempt(s) seen)`,
    },
    {
      name: 'fails for good',
      ok: failed.has('fails') && final.fails?.state === 'failed' && final.fails.attemptsMade === 2,
      detail: failed.has('fails') ? `failed event after ${final.fails?.attemptsMade ?? '?'} attempts, state ${final.fails?.state ?? '?'}` : 'no failed event',
    },
    {
      name: 'reports progress',
      ok: observed.progress.includes(50) && observed.progress.includes(100) && completed.has('progress'),
      detail: observed.progress.length ? `progress events ${observed.progress.join(', ')}` : 'no progress event',
    },
  ];
  if (observed.error) checks.push({ name: 'runs', ok: false, detail: observed.error });
  return checks;
}

function done(observed: Observed): boolean {
  return (
    ['succeeds', 'retries', 'progress'].every((job) => observed.completed.has(job as VerifyJob)) &&
    observed.failed.has('fails') &&
    observed.progress.length >= 2
  );
}

export async function verifyQueue(connection: RedisClient, prefix: string, queue: string, settings: VerifySettings): Promise<QueueVerification> {
  const { Queue, Worker, QueueEvents } = await import('bullmq');
  const started = Date.now();
  const observed: Observed = { completed: new Set(), failed: new Map(), progress: [], retryAttempts: [], final: {} };
  const ids = new Map<string, VerifyJob>();
  const events = new QueueEvents(queue, { connection, prefix, lastEventId: '0-0', blockingTimeout: 1000 });
  const bullQueue = new Queue(queue, { connection, prefix });
  const worker = new Worker(
    queue,
    async (job) => {
      if (job.name === 'retries') {
        observed.retryAttempts.push(Date.now());
        if (job.attemptsMade < 2) throw new Error('planned failure');
      }
      if (job.name === 'fails') throw new Error('planned permanent failure');
      if (job.name === 'progress') {
        await job.updateProgress(50);
        await job.updateProgress(100);
      }
      return 'ok';
    },
    { connection, prefix, concurrency: 4, drainDelay: 1 },
  );
  for (const emitter of [events, bullQueue, worker])
    (emitter as unknown as NodeJS.EventEmitter).on('error', (error: Error) => (observed.error ??= error.message));
  let wake: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (wake = resolve));
  const check = () => done(observed) && wake();
  events.on('completed', ({ jobId }) => {
    const name = ids.get(jobId);
    if (name) observed.completed.add(name);
    check();
  });
  events.on('failed', ({ jobId, failedReason }) => {
    const name = ids.get(jobId);
    if (name) observed.failed.set(name, failedReason);
    check();
  });
  events.on('progress', ({ data }) => {
    if (typeof data === 'number') observed.progress.push(data);
    check();
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.all([events.waitUntilReady(), worker.waitUntilReady()]);
    const backoff = { type: 'fixed', delay: settings.backoffMs } as const;
    const added = await Promise.all([
      bullQueue.add('succeeds', {}),
      bullQueue.add('retries', {}, { attempts: 3, backoff }),
      bullQueue.add('fails', {}, { attempts: 2, backoff }),
      bullQueue.add('progress', {}),
    ]);
    for (const job of added) ids.set(String(job.id), job.name as VerifyJob);
    check();
    await Promise.race([finished, new Promise<void>((resolve) => (timer = setTimeout(resolve, settings.timeoutMs)))]);
    for (const job of added) {
      const fresh = await bullQueue.getJob(String(job.id));
      if (fresh) observed.final[job.name as VerifyJob] = { state: await fresh.getState(), attemptsMade: fresh.attemptsMade };
    }
    if (!done(observed)) observed.error ??= `not every event arrived within ${settings.timeoutMs} ms`;
  } catch (error) {
    observed.error = (error as Error).message;
  } finally {
    clearTimeout(timer);
    await worker.close().catch(() => undefined);
    await events.close().catch(() => undefined);
    await bullQueue.obliterate({ force: true }).catch(() => undefined);
    await bullQueue.close().catch(() => undefined);
  }
  const checks = judgeQueue(observed, settings);
  return { queue, ok: checks.every((c) => c.ok), durationMs: Date.now() - started, checks };
}
