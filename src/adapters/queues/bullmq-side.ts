/**
 * The BullMQ side: every Queue and Worker of the process on ONE shared ioredis connection (each
 * Worker still opens its own blocking connection; that cannot be shared, see the facts file).
 * Queues cost no connection and live as long as the adapter; Workers start and stop with their
 * side's work. BullMQ itself is imported on first use.
 */
import type { Job, Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Settings } from './settings.js';

type BullMQ = typeof import('bullmq');

/** How a BullMQ queue's jobs run in this process, and where its events go. */
export interface BullmqWiring {
  concurrency(queue: string): number;
  run(queue: string, job: Job): Promise<unknown>;
  /** A new Worker: forward its events. */
  started(queue: string, worker: Worker): void;
  error(error: Error): void;
}

export class BullmqSide {
  private lib: BullMQ | undefined;
  private loading: Promise<BullMQ> | undefined;
  private readonly queues = new Map<string, Queue>();
  private readonly workers = new Map<string, Worker>();
  private readonly closing = new Set<Promise<void>>();

  constructor(
    readonly connection: Redis,
    private readonly settings: Settings,
    private readonly wiring: BullmqWiring,
  ) {}

  /** Import BullMQ (once); every other method needs it loaded. */
  async load(): Promise<void> {
    this.loading ??= import('bullmq').then((module) => (this.lib = module));
    await this.loading;
  }

  get isLoaded(): boolean {
    return this.lib !== undefined;
  }

  private loaded(): BullMQ {
    if (!this.lib) throw new Error('bullmq is not loaded yet (call load() first)');
    return this.lib;
  }

  queue(name: string): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new (this.loaded().Queue)(name, { connection: this.connection, prefix: this.settings.prefixes.bullmq });
      queue.on('error', (error: Error) => this.wiring.error(new Error(`bullmq queue ${name}: ${error.message}`, { cause: error })));
      this.queues.set(name, queue);
    }
    return queue;
  }

  isRunning(name: string): boolean {
    return this.workers.has(name);
  }

  concurrencyOf(name: string): number {
    return this.wiring.concurrency(name);
  }

  /** The running Worker of a queue, if any. */
  worker(name: string): Worker | undefined {
    return this.workers.get(name);
  }

  /** Start the Worker of a BullMQ queue (idempotent). */
  startWorker(name: string): void {
    if (this.workers.has(name)) return;
    const { worker: tuning, prefixes, strategies } = this.settings;
    const worker = new (this.loaded().Worker)(name, (job) => this.wiring.run(name, job), {
      connection: this.connection,
      prefix: prefixes.bullmq,
      concurrency: this.wiring.concurrency(name),
      lockDuration: tuning.lockDuration,
      stalledInterval: tuning.stalledInterval,
      maxStalledCount: tuning.maxStalledCount,
      drainDelay: tuning.drainDelay,
      settings: {
        backoffStrategy: (attemptsMade: number, type?: string, error?: Error) => {
          const strategy = type === undefined ? undefined : strategies[type];
          // Adds refuse types without a strategy; a job from elsewhere with one fails as BullMQ's own lookup would.
          if (!strategy) throw new Error(`Unknown backoff strategy ${type}: pass it in backoffStrategies`);
          return strategy(attemptsMade, error ?? new Error('unknown error'));
        },
      },
    });
    worker.on('error', (error: Error) => this.wiring.error(new Error(`bullmq worker ${name}: ${error.message}`, { cause: error })));
    this.workers.set(name, worker);
    this.wiring.started(name, worker);
  }

  /** Stop a Worker after its active jobs finish (at once with `force`). */
  async stopWorker(name: string, force = false): Promise<void> {
    const worker = this.workers.get(name);
    if (!worker) return;
    this.workers.delete(name);
    const closing = worker
      .close(force)
      .catch((error: Error) => this.wiring.error(new Error(`bullmq worker ${name} close: ${error.message}`, { cause: error })));
    this.closing.add(closing);
    try {
      await closing;
    } finally {
      this.closing.delete(closing);
    }
  }

  async closeWorkers(force = false): Promise<void> {
    await Promise.all([...this.workers.keys()].map((name) => this.stopWorker(name, force)));
    await Promise.all([...this.closing]);
  }

  async closeQueues(): Promise<void> {
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
    this.queues.clear();
  }
}
