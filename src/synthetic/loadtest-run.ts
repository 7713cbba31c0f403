/**
 * The loadtest engine: N jobs over the chosen queues through BullMQ with in-process workers, all
 * Queues and Workers on one shared connection, under an isolated prefix. Measures throughput,
 * enqueue-to-complete latency, peak connections (sampled) and server-side commands per job.
 * Used by the `loadtest` command and by bench/loadtest.bench.mjs.
 */
import type { Redis } from 'ioredis';
import type { RedisClient } from '../redis/client.js';
import { latencySummary, totalCommandCalls, type LatencySummary } from './stats.js';

export interface LoadtestSettings {
  jobs: number;
  queues: string[];
  concurrency: number;
  /** Jobs per second; undefined: as fast as possible (bulk adds). */
  rate?: number | undefined;
  prefix: string;
  deadlineMs: number;
  /** Name of `connection` (CLIENT SETNAME), so the sampler can count the run's own connections. */
  connectionName: string;
  onProgress?: (completed: number, total: number) => void;
}

export interface LoadtestResult {
  completed: number;
  failed: number;
  durationMs: number;
  /** Time until the last add returned. */
  enqueueMs: number;
  throughput: number;
  latencyMs: LatencySummary;
  peakConnections: { loadtest: number; server: number; samples: number };
  commands: { total: number; perJob: number };
  perQueue: { queue: string; completed: number; failed: number }[];
  timedOut: boolean;
}

const BULK = 50;
const SAMPLE_MS = 100;

/** Count this run's connections and everyone's in CLIENT LIST text (the sampler excluded). Pure. */
export function countConnections(clientList: string, prefix: string, connectionName: string, samplerName: string): { loadtest: number; server: number } {
  let loadtest = 0;
  let server = 0;
  for (const line of clientList.split('\n')) {
    const name = /(?:^| )name=(\S*)/.exec(line)?.[1];
    if (name === undefined || name === samplerName) continue;
    server++;
    if (name === connectionName || name.startsWith(`${prefix}:`)) loadtest++;
  }
  return { loadtest, server };
}

export async function runLoadtest(connection: RedisClient, sampler: Redis, samplerName: string, settings: LoadtestSettings): Promise<LoadtestResult> {
  const { Queue, Worker } = await import('bullmq');
  const { jobs, queues, prefix } = settings;
  const latencies: number[] = [];
  const perQueue = new Map(queues.map((queue) => [queue, { queue, completed: 0, failed: 0 }]));
  let completed = 0;
  let failed = 0;
  let wake: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (wake = resolve));
  const settle = () => {
    settings.onProgress?.(completed + failed, jobs);
    if (completed + failed >= jobs) wake();
  };

  const bullQueues = queues.map((queue) => new Queue(queue, { connection, prefix }));
  const workers = queues.map((queue) => {
    const worker = new Worker(queue, async () => undefined, { connection, prefix, concurrency: settings.concurrency });
    worker.on('completed', (job) => {
      latencies.push(Date.now() - (job.data as { t: number }).t);
      completed++;
      perQueue.get(queue)!.completed++;
      settle();
    });
    worker.on('failed', () => {
      failed++;
      perQueue.get(queue)!.failed++;
      settle();
    });
    return worker;
  });
  for (const emitter of [...bullQueues, ...workers]) (emitter as unknown as NodeJS.EventEmitter).on('error', () => undefined);

  let peak = { loadtest: 0, server: 0 };
  let samples = 0;
  let sampling: NodeJS.Timeout | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.all(workers.map((worker) => worker.waitUntilReady()));
    await Promise.all(bullQueues.map((queue) => queue.waitUntilReady()));
    const sample = async () => {
      const list = (await sampler.client('LIST')) as string;
      samples++;
      const count = countConnections(list, prefix, settings.connectionName, samplerName);
      peak = { loadtest: Math.max(peak.loadtest, count.loadtest), server: Math.max(peak.server, count.server) };
    };
    const callsBefore = totalCommandCalls((await sampler.info('commandstats')) as string);
    await sample();
    sampling = setInterval(() => void sample().catch(() => undefined), SAMPLE_MS);

    const started = Date.now();
    const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, settings.deadlineMs)));
    const enqueued = settings.rate ? enqueueAtRate(bullQueues, jobs, settings.rate) : enqueueBulk(bullQueues, jobs);
    const enqueueMs = await Promise.race([enqueued.then(() => Date.now() - started), deadline.then(() => -1)]);
    await Promise.race([finished, deadline]);
    const durationMs = Date.now() - started;
    clearInterval(sampling);
    await sample();
    // This INFO's own call is not in its output; the first INFO and every CLIENT LIST are: not the jobs' doing.
    const callsAfter = totalCommandCalls((await sampler.info('commandstats')) as string);
    const total = Math.max(0, callsAfter - callsBefore - samples - 1);
    return {
      completed,
      failed,
      durationMs,
      enqueueMs,
      throughput: Math.round((completed / Math.max(durationMs, 1)) * 1000),
      latencyMs: latencySummary(latencies),
      peakConnections: { ...peak, samples },
      commands: { total, perJob: Math.round((total / Math.max(jobs, 1)) * 10) / 10 },
      perQueue: [...perQueue.values()],
      timedOut: completed + failed < jobs,
    };
  } finally {
    clearInterval(sampling);
    clearTimeout(timer);
    await Promise.all(workers.map((worker) => worker.close().catch(() => undefined)));
    await Promise.all(bullQueues.map((queue) => queue.close().catch(() => undefined)));
  }
}

type Queues = { add: (name: string, data: unknown) => Promise<unknown>; addBulk: (jobs: { name: string; data: unknown }[]) => Promise<unknown> }[];

/** As fast as possible: round-robin over the queues, in bulk adds of 50. */
async function enqueueBulk(queues: Queues, jobs: number): Promise<void> {
  const batches: Promise<unknown>[] = [];
  for (let start = 0; start < jobs; start += BULK * queues.length) {
    queues.forEach((queue, q) => {
      const batch: { name: string; data: { t: number } }[] = [];
      for (let n = start + q; n < Math.min(jobs, start + BULK * queues.length); n += queues.length) batch.push({ name: 'load', data: { t: Date.now() } });
      if (batch.length) batches.push(queue.addBulk(batch));
    });
  }
  await Promise.all(batches);
}

/** At a steady rate, one add per job, round-robin over the queues. */
async function enqueueAtRate(queues: Queues, jobs: number, rate: number): Promise<void> {
  const started = Date.now();
  const adds: Promise<unknown>[] = [];
  let sent = 0;
  while (sent < jobs) {
    const due = Math.min(jobs, Math.floor(((Date.now() - started) / 1000) * rate) + 1);
    for (; sent < due; sent++) adds.push(queues[sent % queues.length]!.add('load', { t: Date.now() }));
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await Promise.all(adds);
}
