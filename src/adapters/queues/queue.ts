/**
 * One queue of the app, on whichever side its flags name: `add` goes there at the moment of the
 * call, `process` runs the handler on both sides while either has work, `repeat` follows the tier.
 */
import { EventEmitter } from 'node:events';
import type { BullSide } from './bull-side.js';
import type { BullmqSide } from './bullmq-side.js';
import { QueueOptionError, QueuesClosedError } from './errors.js';
import { JobWrapper, type BullJobLike, type BullmqJobLike } from './job.js';
import { normalizeJobOptions, normalizeRepeatJobOptions, toBullJobOptions, toBullmqJobOptions } from './job-options.js';
import { bullmqJobName, bullmqQueueOf } from './naming.js';
import type { RepeatHandover } from './repeat-handover.js';
import { normalizeSchedule } from './repeat-options.js';
import type { Settings } from './settings.js';
import type { AddOptions, JobOptions, ProcessOptions, Processor, QueueEvents, QueueFlags, QueueJob, RepeatJobOptions, RepeatOptions, Side } from './types.js';

/** What a queue needs from the adapter that owns it. */
export interface QueueCore {
  readonly settings: Settings;
  readonly flags: QueueFlags;
  readonly bull: BullSide;
  readonly bullmq: BullmqSide;
  readonly handover: RepeatHandover;
  readonly closing: boolean;
  /** Resolves once the shared connection can take the adapter's own commands. */
  ready(): Promise<void>;
  /** An add starts (`close()` waits for it) and ends. */
  addStarted(): void;
  addEnded(): void;
  /** The queue got its handler: start following it. */
  processing(queue: string): Promise<void>;
  /** An error with no better place to go. */
  error(error: Error): void;
}

interface PreparedJob<Data> {
  name: string;
  data: Data;
  opts: JobOptions;
}

/** One job of `addBulk`. */
export interface BulkJob<Data> {
  name: string;
  data: Data;
  opts?: AddOptions;
}

/**
 * One queue of the app (from `queues.get(name)`), designed like BullMQ's Queue and Worker in one:
 * `add`, `addBulk`, `process`, `repeat`, and its jobs' events from both sides (QueueEvents).
 */
export class MigratingQueue<Data = unknown, Result = unknown> extends EventEmitter<QueueEvents<Data, Result>> {
  private handler: Processor<Data, Result> | undefined;
  private concurrencyValue = 1;
  private readonly jobs: JobWrapper<Data>;

  /** @internal use `queues.get(name)` */
  constructor(
    /** The queue's name, as the plan and the flags know it. */
    readonly name: string,
    private readonly core: QueueCore,
  ) {
    super();
    this.jobs = new JobWrapper<Data>(name, (job, progress) => this.emit('progress', job, progress));
  }

  /** The side `add` sends jobs to right now. */
  get side(): Side {
    return this.core.flags.useBullMQ(this.name) ? 'bullmq' : 'bull';
  }

  /** Concurrency given to `process` (per side). */
  get concurrency(): number {
    return this.concurrencyValue;
  }

  get hasHandler(): boolean {
    return this.handler !== undefined;
  }

  /**
   * Add a job to the side the flags name at this moment.
   * @throws QueueOptionError (as a rejection) for an option one of the two libraries cannot honour.
   */
  add(name: string, data: Data, opts?: AddOptions): Promise<QueueJob<Data>> {
    if (this.core.closing) return Promise.reject(new QueuesClosedError(`${this.name}: add`));
    let job: PreparedJob<Data>;
    try {
      job = this.prepare({ name, data, opts });
    } catch (error) {
      return Promise.reject(error);
    }
    return this.side === 'bullmq' ? this.addToBullmq(job) : this.addToBull([job]).then((jobs) => jobs[0] as QueueJob<Data>);
  }

  /** Add several jobs at once, all to the side the flags name at this moment (one round trip). */
  addBulk(jobs: BulkJob<Data>[]): Promise<QueueJob<Data>[]> {
    if (this.core.closing) return Promise.reject(new QueuesClosedError(`${this.name}: add`));
    let prepared: PreparedJob<Data>[];
    try {
      prepared = jobs.map((job) => this.prepare(job));
    } catch (error) {
      return Promise.reject(error);
    }
    return this.side === 'bullmq' ? this.addBulkToBullmq(prepared) : this.addToBull(prepared);
  }

  private prepare(job: BulkJob<Data>): PreparedJob<Data> {
    if (typeof job.name !== 'string' || job.name === '')
      throw new QueueOptionError('queues.job-name', `${this.name}: a job needs a name`, "add('sync', data, opts)");
    return { name: job.name, data: job.data, opts: normalizeJobOptions(job.opts, this.core.settings.strategyNames, `${this.name} add "${job.name}"`) };
  }

  private async addToBullmq(job: PreparedJob<Data>): Promise<QueueJob<Data>> {
    const { bullmq, settings } = this.core;
    this.core.addStarted();
    try {
      if (!bullmq.isLoaded) await bullmq.load();
      const queue = bullmq.queue(bullmqQueueOf(settings.topology, this.name));
      const added = await queue.add(bullmqJobName(settings.topology, this.name, job.name), job.data, toBullmqJobOptions(job.opts));
      return this.jobs.wrap('bullmq', added as unknown as BullmqJobLike, job.name);
    } finally {
      this.core.addEnded();
    }
  }

  private async addBulkToBullmq(jobs: PreparedJob<Data>[]): Promise<QueueJob<Data>[]> {
    const { bullmq, settings } = this.core;
    this.core.addStarted();
    try {
      if (!bullmq.isLoaded) await bullmq.load();
      const queue = bullmq.queue(bullmqQueueOf(settings.topology, this.name));
      const added = await queue.addBulk(
        jobs.map((job) => ({ name: bullmqJobName(settings.topology, this.name, job.name), data: job.data, opts: toBullmqJobOptions(job.opts) })),
      );
      return added.map((job, i) => this.jobs.wrap('bullmq', job as unknown as BullmqJobLike, jobs[i]!.name));
    } finally {
      this.core.addEnded();
    }
  }

  private async addToBull(jobs: PreparedJob<Data>[]): Promise<QueueJob<Data>[]> {
    const { bull } = this.core;
    this.core.addStarted();
    try {
      // This add's own hold, so a flip never closes the Bull queue under it; the producer hold keeps it open between adds.
      const queue = await bull.open(this.name, 'add');
      try {
        if (!bull.isHeld(this.name, 'produce') && !this.core.closing) bull.hold(this.name, 'produce');
        const added =
          jobs.length === 1
            ? [await queue.add(jobs[0]!.name, jobs[0]!.data, toBullJobOptions(jobs[0]!.opts))]
            : await queue.addBulk(jobs.map((job) => ({ name: job.name, data: job.data, opts: toBullJobOptions(job.opts) })));
        return added.map((job) => this.jobs.wrap('bull', job as unknown as BullJobLike));
      } finally {
        await bull.release(this.name, 'add');
      }
    } finally {
      this.core.addEnded();
    }
  }

  /** Flags moved this queue to BullMQ: stop keeping its Bull queue open for adds (adds in flight keep theirs). */
  releaseProducer(): Promise<void> {
    if (this.side !== 'bullmq' || !this.core.bull.isHeld(this.name, 'produce')) return Promise.resolve();
    return this.core.bull.release(this.name, 'produce');
  }

  /**
   * Run `handler` for this queue's jobs, on whichever side has work: the side the flags name, and
   * the other one until it has drained. Resolves once the workers are in line with the flags (it
   * never rejects: failures go to the `error` event).
   */
  process(handler: Processor<Data, Result>, options: ProcessOptions = {}): Promise<void> {
    if (typeof handler !== 'function')
      throw new QueueOptionError('queues.process', `${this.name}: process needs a handler function`, 'queue.process(async (job) => result)');
    if (this.handler)
      throw new QueueOptionError('queues.process', `${this.name}: process was already called`, 'give each queue one handler; branch on job.name inside it');
    if (this.core.closing) throw new QueuesClosedError(`${this.name}: process`);
    if (this.core.settings.failFast)
      throw new QueueOptionError(
        'queues.process',
        `${this.name}: this adapter was made with failFast (a producer-only process)`,
        'drop failFast in processes that run workers: BullMQ workers need the offline queue',
      );
    const concurrency = options.concurrency ?? 1;
    if (!Number.isInteger(concurrency) || concurrency < 1)
      throw new QueueOptionError('queues.process', `${this.name}: concurrency must be a positive integer, got ${concurrency}`, 'e.g. { concurrency: 4 }');
    this.handler = handler;
    this.concurrencyValue = concurrency;
    return this.core.processing(this.name);
  }

  /** @internal the side's worker hands a job to the app's handler */
  run(side: Side, raw: BullJobLike | BullmqJobLike, name?: string): Promise<Result> {
    const handler = this.handler;
    if (!handler) throw new Error(`no handler for queue ${this.name} in this process`);
    return handler(this.jobs.started(side, raw, name));
  }

  /** @internal the job of a completed or failed event: the object the handler got */
  finished(side: Side, raw: BullJobLike | BullmqJobLike, name?: string): QueueJob<Data> {
    return this.jobs.finished(side, raw, name);
  }

  /** @internal an event only if someone listens; else the adapter's error event */
  reportError(error: Error): void {
    if (this.listenerCount('error') > 0) this.emit('error', error);
    else this.core.error(error);
  }

  /**
   * A repeatable job that moves with its tier: a Bull repeat while the queue is on Bull, a BullMQ
   * job scheduler while it is on BullMQ, each tick run exactly once across the move. Resolves once
   * it is in place; this process follows it (on every flag change) until `close()`. Calling it
   * again with the same name replaces the schedule (in every process that registers it, the
   * adapter serialises moves with a lock in Redis).
   */
  async repeat(name: string, repeat: RepeatOptions, data?: Data, opts?: RepeatJobOptions): Promise<void> {
    if (this.core.closing) throw new QueuesClosedError(`${this.name}: repeat`);
    if (typeof name !== 'string' || name === '')
      throw new QueueOptionError('queues.repeat-option', `${this.name}: a repeatable needs a name`, "queue.repeat('refresh', { pattern: '*/5 * * * *' })");
    const where = `${this.name} repeat "${name}"`;
    const schedule = normalizeSchedule(repeat, where);
    const jobOptions = normalizeRepeatJobOptions(opts, this.core.settings.strategyNames, where);
    await this.core.ready();
    await this.core.handover.register({ queue: this.name, name, schedule, data: data ?? {}, opts: jobOptions });
  }

  /** Remove a repeatable from both sides and stop following it. */
  removeRepeat(name: string): Promise<void> {
    return this.core.handover.unregister(this.name, name);
  }
}
