/**
 * Real queue keyspaces for the cleanup tests: jobs written by REAL Bull 4 (legacy) and REAL
 * BullMQ 6 (under its own prefix), so the classifier is checked against what the libraries write,
 * not against what we think they write.
 */
import Bull from 'bull';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { waitFor } from './wait.js';

export interface BullFixtureOptions {
  port: number;
  prefix?: string;
  queue: string;
  /** Leave a delayed job, a waiting prioritized job and a repeatable job (a legacy backlog). */
  backlog?: boolean;
  /** Leave a job active with its lock (worker closed without waiting for it). */
  stuckActive?: boolean;
}

/**
 * Completed and failed jobs with logs, progress and metrics, a custom job id, a debounce key, a
 * pause/resume (meta), and optionally a backlog. Closes everything it opened.
 */
export async function fillWithBull(options: BullFixtureOptions): Promise<void> {
  const queue = new Bull(options.queue, {
    prefix: options.prefix ?? 'bull',
    redis: { port: options.port, host: '127.0.0.1' },
    metrics: { maxDataPoints: 10 },
  });
  try {
    let finished = 0;
    let release: () => void = () => undefined;
    const stuck = new Promise<void>((resolve) => (release = resolve));
    void queue.process('*', 2, async (job) => {
      await job.log(`processing ${job.id}`);
      await job.progress(50);
      if (job.data.stuck) await stuck;
      if (job.data.fail) throw new Error('legacy failure');
      return { ok: true };
    });
    queue.on('completed', () => finished++);
    queue.on('failed', () => finished++);
    await queue.add({ n: 1 });
    await queue.add({ n: 2 }, { jobId: 'custom:order-7' });
    await queue.add({ fail: true }, { attempts: 1 });
    await queue.add('named', { n: 3 });
    await queue.add({ n: 4 }, { debounce: { id: 'deb-1', ttl: 600_000 } });
    await waitFor(() => finished >= 5, { timeoutMs: 15_000, what: 'bull jobs to finish' });
    await queue.pause();
    await queue.resume();
    if (options.stuckActive) {
      await queue.add({ stuck: true });
      await waitFor(async () => (await queue.getActiveCount()) === 1, { what: 'a stuck active job' });
    }
    if (options.backlog) {
      await queue.add({ later: true }, { delay: 3_600_000 });
      await queue.add({ repeat: true }, { repeat: { cron: '0 * * * *' } });
    }
    await queue.close(true);
    release();
    if (options.backlog) {
      // Waiting jobs only once no worker is left to take them.
      const producer = new Bull(options.queue, { prefix: options.prefix ?? 'bull', redis: { port: options.port, host: '127.0.0.1' } });
      await producer.add({ waiting: true }, { priority: 5 });
      await producer.close();
    }
  } finally {
    await queue.close(true).catch(() => undefined);
  }
}

/** A Bull worker that stays connected (blocked in BRPOPLPUSH) until closed. */
export async function connectBullWorker(port: number, name: string, prefix = 'bull'): Promise<{ close(): Promise<void> }> {
  const queue = new Bull(name, { prefix, redis: { port, host: '127.0.0.1' } });
  void queue.process(async () => undefined);
  await queue.isReady();
  const probe = new Redis(port);
  await waitFor(async () => String(await probe.client('LIST')).includes('cmd=brpoplpush'), { what: 'the Bull worker to block' });
  probe.disconnect();
  return { close: () => queue.close() };
}

/**
 * BullMQ under its own prefix, on the SAME queue names as the legacy side: completed jobs, a job
 * scheduler, a prioritized and a delayed job, events stream, meta, marker. Closes everything.
 */
export async function fillWithBullmq(port: number, prefix: string, names: string[]): Promise<void> {
  const connection = new Redis(port, { maxRetriesPerRequest: null });
  const queues = names.map((name) => new Queue(name, { connection, prefix }));
  let done = 0;
  const workers = names.map((name) => new Worker(name, async () => 'ok', { connection, prefix }));
  for (const worker of workers) worker.on('completed', () => done++);
  try {
    for (const queue of queues) {
      await queue.add('sync', { n: 1 });
      await queue.add('sync', { n: 2 });
    }
    await waitFor(() => done >= 2 * names.length, { timeoutMs: 15_000, what: 'bullmq jobs to complete' });
    await Promise.all(workers.map((worker) => worker.close()));
    for (const queue of queues) {
      await queue.upsertJobScheduler('hourly', { pattern: '0 * * * *' }, { name: 'sync', data: {} });
      await queue.add('sync', { p: 1 }, { priority: 5 });
      await queue.add('sync', { d: 1 }, { delay: 3_600_000 });
    }
  } finally {
    await Promise.all(workers.map((worker) => worker.close().catch(() => undefined)));
    await Promise.all(queues.map((queue) => queue.close()));
    await connection.quit();
  }
}

/** Every key with its TYPE (a snapshot to compare before and after). */
export async function keyspace(client: Redis): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'COUNT', 1000);
    cursor = next;
    const types = await Promise.all(keys.map((key) => client.type(key)));
    for (const [i, key] of keys.entries()) out.set(key, types[i] as string);
  } while (cursor !== '0');
  return out;
}
