/**
 * The BullMQ side: every Queue and Worker of the process on ONE shared ioredis connection (each
 * Worker still opens its own blocking connection; that cannot be shared, see the facts file).
 * Queues cost no connection and live as long as the process; Workers start and stop per lane.
 */
import type { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { WorkerTuning } from './config.js';
import type { Handler, JobData } from './handler.js';

type BullMQ = typeof import('bullmq');

export class BullmqSide {
  private readonly queues = new Map<string, Queue<JobData>>();
  private readonly workers = new Map<string, Worker<JobData>>();
  private readonly closing = new Set<Promise<void>>();

  constructor(
    private readonly lib: BullMQ,
    private readonly connection: Redis,
    private readonly options: { prefix: string; worker: WorkerTuning; handler: Handler; warn: (m: string) => void },
  ) {}

  queue(name: string): Queue<JobData> {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new this.lib.Queue<JobData>(name, { connection: this.connection, prefix: this.options.prefix });
      queue.on('error', (error: Error) => this.options.warn(`bullmq queue ${name}: ${error.message}`));
      this.queues.set(name, queue);
    }
    return queue;
  }

  isRunning(name: string): boolean {
    return this.workers.has(name);
  }

  /** Start the worker of a BullMQ queue (idempotent). Job names carry the legacy queue name. */
  startWorker(name: string): void {
    if (this.workers.has(name)) return;
    const { handler, worker: tuning } = this.options;
    const worker = new this.lib.Worker<JobData>(name, (job) => handler('bullmq', job.name, job), {
      connection: this.connection,
      prefix: this.options.prefix,
      concurrency: tuning.concurrency,
      lockDuration: tuning.lockDurationMs,
      stalledInterval: tuning.stalledIntervalMs,
    });
    worker.on('error', (error: Error) => this.options.warn(`bullmq worker ${name}: ${error.message}`));
    this.workers.set(name, worker);
  }

  /** Stop a worker after its active jobs finish. */
  async stopWorker(name: string): Promise<void> {
    const worker = this.workers.get(name);
    if (!worker) return;
    this.workers.delete(name);
    const closing = worker.close().catch((error: Error) => this.options.warn(`bullmq worker ${name} close: ${error.message}`));
    this.closing.add(closing);
    try {
      await closing;
    } finally {
      this.closing.delete(closing);
    }
  }

  async closeWorkers(): Promise<void> {
    await Promise.all([...this.workers.keys()].map((name) => this.stopWorker(name)));
    await Promise.all([...this.closing]);
  }

  async closeQueues(): Promise<void> {
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
    this.queues.clear();
  }
}
