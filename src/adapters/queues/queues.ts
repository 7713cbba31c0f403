/**
 * The adapter: the app's queues on Bull or BullMQ, one by one as the flags say, switching live.
 * It owns the two sides, the workers that drain an old side, and the repeatables' hand-over, and
 * follows the flags until `close()`. Nothing starts before the app adds, processes or repeats.
 */
import { EventEmitter } from 'node:events';
import type { Job, Worker } from 'bullmq';
import type Bull from 'bull';
import type { Redis } from 'ioredis';
import { BullSide, type BullQueue } from './bull-side.js';
import { BullmqSide } from './bullmq-side.js';
import { endpointOf, endpointOfUrl, quit, sharedConnection, whenReady } from './connection.js';
import { QueueOptionError } from './errors.js';
import type { BullJobLike, BullmqJobLike } from './job.js';
import { Lanes } from './lanes.js';
import { bullmqQueueOf, splitMergedName } from './naming.js';
import { MigratingQueue, type QueueCore } from './queue.js';
import { RepeatHandover } from './repeat-handover.js';
import { bullmqRepeatSide, bullRepeatSide } from './repeat-sides.js';
import { resolveSettings, type MigratingQueuesOptions, type Settings } from './settings.js';
import type { MigratingQueuesEvents, QueueFlags } from './types.js';

/** How long repeat() waits for a connection that is still connecting. */
const READY_TIMEOUT_MS = 10_000;

/**
 * The app's queues on both libraries, following the flags: made by `migratingQueues()`, one per
 * process, closed with `close()`. Emits `worker`, `repeat` and `error` (see MigratingQueuesEvents).
 */
export class MigratingQueues extends EventEmitter<MigratingQueuesEvents> {
  /** The connection BullMQ's Queues and Workers share (and the adapter's own reads). */
  readonly connection: Redis;
  private readonly settings: Settings;
  private readonly flags: QueueFlags;
  private readonly ownsConnection: boolean;
  private readonly queues = new Map<string, MigratingQueue<never, never>>();
  private readonly bull: BullSide;
  private readonly bullmq: BullmqSide;
  private readonly lanes: Lanes;
  private readonly handover: RepeatHandover;
  /** Adds in flight, and what close() waits on until there are none. */
  private adding = 0;
  private idle: (() => void) | undefined;
  private readonly onFlags = () => this.followFlags();
  private closing: Promise<void> | undefined;

  /** @internal use migratingQueues() */
  constructor(options: MigratingQueuesOptions) {
    super();
    this.settings = resolveSettings(options);
    this.flags = options.flags;
    const given = options.bullmq?.connection;
    this.ownsConnection = !given;
    this.connection = given ?? sharedConnection({ redisUrl: options.redisUrl, name: this.settings.name, failFast: this.settings.failFast });
    const bullEndpoint = options.bull?.redis ?? (given && !options.redisUrl ? endpointOf(given) : endpointOfUrl(options.redisUrl));
    const error = (failure: Error) => this.reportError(failure);
    this.bull = new BullSide(bullEndpoint, this.settings, {
      concurrency: (queue) => this.known(queue).concurrency,
      run: (queue, job) => this.known(queue).run('bull', job as unknown as BullJobLike),
      opened: (queue, bull) => this.forwardBull(queue, bull),
      error,
    });
    this.bullmq = new BullmqSide(this.connection, this.settings, {
      concurrency: (queue) => this.bullmqConcurrency(queue),
      run: (queue, job) => this.runBullmq(queue, job),
      started: (queue, worker) => this.forwardBullmq(queue, worker),
      error,
    });
    this.lanes = new Lanes({
      flags: this.flags,
      bull: this.bull,
      bullmq: this.bullmq,
      client: this.connection,
      settings: this.settings,
      changed: (change) => this.emit('worker', change),
      error,
    });
    const prefixes = this.settings.prefixes;
    this.handover = new RepeatHandover({
      sides: { bull: bullRepeatSide(this.bull, prefixes.bull, this.connection), bullmq: bullmqRepeatSide(this.bullmq, this.settings.topology) },
      flags: this.flags,
      lock: { client: this.connection, prefix: prefixes.bullmq },
      moved: (move) => this.emit('repeat', move),
      error,
    });
    this.flags.on('change', this.onFlags);
  }

  /**
   * The queue of that name (the plan's name; the same object on every call).
   * @throws QueueOptionError for a name BullMQ cannot use.
   */
  get<Data = unknown, Result = unknown>(name: string): MigratingQueue<Data, Result> {
    let queue = this.queues.get(name);
    if (!queue) {
      if (typeof name !== 'string' || name === '' || name.includes(':')) {
        throw new QueueOptionError(
          'queues.queue-name',
          `queue name ${JSON.stringify(name)} is empty or contains ":"`,
          "BullMQ refuses ':' in queue names; use the plan's queue names",
        );
      }
      queue = new MigratingQueue<never, never>(name, this.core());
      this.queues.set(name, queue);
    }
    return queue as unknown as MigratingQueue<Data, Result>;
  }

  /** Workers running in this process, as `bull:<queue>` / `bullmq:<queue>` (the BullMQ queue's name). */
  workers(): string[] {
    return this.lanes.runningLanes();
  }

  /**
   * Stop following the flags and close everything this adapter opened: adds in flight return,
   * a repeatable being moved finishes its move, workers on both sides finish their active jobs
   * (unless `force`), then the queues and the shared connection it opened close. A connection
   * passed in as `bullmq.connection` stays open. Safe to call twice.
   */
  close(options: { force?: boolean } = {}): Promise<void> {
    this.closing ??= (async () => {
      this.flags.off('change', this.onFlags);
      await this.handover.stop();
      await this.lanes.stop();
      if (this.adding > 0) await new Promise<void>((resolve) => (this.idle = resolve));
      await Promise.all([this.bullmq.closeWorkers(options.force), this.bull.closeAll(options.force)]);
      this.lanes.closedAll();
      await this.bullmq.closeQueues();
      if (this.ownsConnection) await quit(this.connection);
    })();
    return this.closing;
  }

  private core(): QueueCore {
    const isClosing = () => this.closing !== undefined;
    return {
      settings: this.settings,
      flags: this.flags,
      bull: this.bull,
      bullmq: this.bullmq,
      handover: this.handover,
      get closing() {
        return isClosing();
      },
      ready: () => whenReady(this.connection, READY_TIMEOUT_MS),
      addStarted: () => void this.adding++,
      addEnded: () => {
        if (--this.adding === 0) this.idle?.();
      },
      processing: (queue) => this.lanes.add(queue, bullmqQueueOf(this.settings.topology, queue)),
      error: (failure) => this.reportError(failure),
    };
  }

  /** Every flag change: producers let go of Bull queues that left it, workers follow, repeatables move. */
  private followFlags(): void {
    void this.lanes.sync();
    // Producers let go of Bull queues once the repeatables have moved: a move reuses the queue they hold.
    void this.handover.reconcile().then(() => {
      for (const queue of this.queues.values()) void queue.releaseProducer().catch((error: Error) => this.reportError(error));
    });
  }

  private known(queue: string): MigratingQueue<never, never> {
    const found = this.queues.get(queue);
    if (!found) throw new Error(`queue ${queue} is not open in this process`);
    return found;
  }

  /** The queues a BullMQ queue carries (one, or every queue with a handler in the merged topology). */
  private carried(bullmqQueue: string): MigratingQueue<never, never>[] {
    if (this.settings.topology.kind === 'per-queue') return [this.known(bullmqQueue)];
    return [...this.queues.values()].filter((queue) => queue.hasHandler);
  }

  private bullmqConcurrency(bullmqQueue: string): number {
    const { topology } = this.settings;
    if (topology.kind === 'merged' && topology.concurrency !== undefined) return topology.concurrency;
    return Math.max(
      1,
      this.carried(bullmqQueue).reduce((sum, queue) => sum + queue.concurrency, 0),
    );
  }

  /** The app's queue of a BullMQ job (per queue: the BullMQ queue itself; merged: by the job's name). */
  private queueOfJob(bullmqQueue: string, job: Job): MigratingQueue<never, never> | undefined {
    return this.queues.get(this.settings.topology.kind === 'per-queue' ? bullmqQueue : splitMergedName(job.name).queue);
  }

  /** The app's name of a BullMQ job. */
  private nameOfJob(job: Job): string {
    return this.settings.topology.kind === 'per-queue' ? job.name : splitMergedName(job.name).name;
  }

  private runBullmq(bullmqQueue: string, job: Job): Promise<unknown> {
    const queue = this.queueOfJob(bullmqQueue, job);
    if (!queue?.hasHandler) {
      throw new Error(`no handler for job "${job.name}" in this process: in the merged topology every worker process must process every queue`);
    }
    return queue.run('bullmq', job as unknown as BullmqJobLike, this.nameOfJob(job));
  }

  private forwardBull(name: string, bull: BullQueue): void {
    const queue = this.known(name);
    bull.on('completed', (job: Bull.Job, result: unknown) => queue.emit('completed', queue.finished('bull', job as unknown as BullJobLike), result as never));
    bull.on('failed', (job: Bull.Job, error: Error) => queue.emit('failed', queue.finished('bull', job as unknown as BullJobLike), error));
    bull.on('drained', () => queue.emit('drained', 'bull'));
  }

  private forwardBullmq(bullmqQueue: string, worker: Worker): void {
    worker.on('completed', (job: Job, result: unknown) => {
      const queue = this.queueOfJob(bullmqQueue, job);
      queue?.emit('completed', queue.finished('bullmq', job as unknown as BullmqJobLike, this.nameOfJob(job)), result as never);
    });
    worker.on('failed', (job: Job | undefined, error: Error) => {
      const queue = job ? this.queueOfJob(bullmqQueue, job) : this.settings.topology.kind === 'per-queue' ? this.queues.get(bullmqQueue) : undefined;
      if (queue) queue.emit('failed', job && queue.finished('bullmq', job as unknown as BullmqJobLike, this.nameOfJob(job)), error);
      else this.reportError(error);
    });
    worker.on('drained', () => {
      for (const queue of this.carried(bullmqQueue)) queue.emit('drained', 'bullmq');
    });
  }

  private reportError(error: Error): void {
    // An 'error' event without a listener would crash the app; the adapter must never do that.
    if (this.listenerCount('error') > 0) this.emit('error', error);
  }
}

/**
 * The app's queues, each on Bull or BullMQ as `flags.useBullMQ(queue)` says, switching live:
 *
 * ```ts
 * const flags = await connectFlags({ app: 'worker', redisUrl });
 * const queues = migratingQueues({ flags, redisUrl });
 * const q = queues.get('calendar-sync');
 * await q.add('sync', { userId: 1 }, { attempts: 3 });
 * q.process(async (job) => 'ok', { concurrency: 4 });
 * await queues.close();
 * ```
 * Opens one connection (unless `bullmq.connection` is given); Bull and BullMQ are imported when
 * first needed. See docs/app-integration.md.
 */
export function migratingQueues(options: MigratingQueuesOptions): MigratingQueues {
  return new MigratingQueues(options);
}
