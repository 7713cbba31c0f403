/** One job shape over a Bull job and a BullMQ job, so a handler is written once. */
import { readJobOptions } from './job-options.js';
import { repeatTickOf } from './naming.js';
import type { JobOptions, QueueJob, Side } from './types.js';

/** The parts of a Bull 4 job the adapter uses. */
export interface BullJobLike {
  id: string | number;
  name: string;
  data: unknown;
  opts: Record<string, unknown>;
  attemptsMade: number;
  timestamp: number;
  progress(value: unknown): Promise<unknown>;
  log(row: string): Promise<unknown>;
}

/** The parts of a BullMQ 6 job the adapter uses. */
export interface BullmqJobLike {
  id?: string | undefined;
  name: string;
  data: unknown;
  opts: object;
  attemptsMade: number;
  timestamp: number;
  /** Set on the jobs a job scheduler creates. */
  repeatJobKey?: string | undefined;
  updateProgress(value: number | object): Promise<void>;
  log(row: string): Promise<number>;
}

type RawJob = BullJobLike | BullmqJobLike;

class Job<Data> implements QueueJob<Data> {
  readonly id: string;
  readonly data: Data;
  readonly timestamp: number;
  // Private fields stay out of JSON and logs of the job; opts and the tick are read on demand (most handlers never do).
  readonly #raw: RawJob;
  readonly #onProgress: (job: QueueJob<Data>, progress: number | object) => void;
  #opts: JobOptions | undefined;

  constructor(
    readonly side: Side,
    readonly queue: string,
    readonly name: string,
    raw: RawJob,
    onProgress: (job: QueueJob<Data>, progress: number | object) => void,
  ) {
    this.#raw = raw;
    this.#onProgress = onProgress;
    this.id = String(raw.id);
    this.data = raw.data as Data;
    this.timestamp = raw.timestamp;
  }

  get opts(): JobOptions {
    this.#opts ??= readJobOptions(this.#raw.opts as Record<string, unknown>);
    return this.#opts;
  }

  get repeatTick(): number | undefined {
    const opts = this.#raw.opts as Record<string, unknown>;
    return repeatTickOf(this.id, { repeat: opts.repeat, prevMillis: opts.prevMillis, repeatJobKey: (this.#raw as BullmqJobLike).repeatJobKey });
  }

  /** Read from the library's job, which counts a failure as it happens (the `failed` event sees it). */
  get attemptsMade(): number {
    return this.#raw.attemptsMade;
  }

  async updateProgress(progress: number | object): Promise<void> {
    if (this.side === 'bull') await (this.#raw as BullJobLike).progress(progress);
    else await (this.#raw as BullmqJobLike).updateProgress(progress);
    this.#onProgress(this, progress);
  }

  async log(row: string): Promise<void> {
    await this.#raw.log(row);
  }
}

/** More jobs remembered than any worker runs at once means some ended without an event (lost lock, forced close): forget the oldest. */
const MAX_RUNNING = 10_000;

/**
 * Wraps raw jobs. A job being run keeps its wrapper until its completed or failed event, so the
 * handler and the events see the same object (kept by id: the library's job objects are not touched).
 */
export class JobWrapper<Data> {
  private readonly running = new Map<string, QueueJob<Data>>();

  constructor(
    private readonly queue: string,
    private readonly onProgress: (job: QueueJob<Data>, progress: number | object) => void,
  ) {}

  wrap(side: Side, raw: RawJob, name = raw.name): QueueJob<Data> {
    return new Job<Data>(side, this.queue, name, raw, this.onProgress);
  }

  /** The wrapper a handler gets, remembered until `finished`. */
  started(side: Side, raw: RawJob, name = raw.name): QueueJob<Data> {
    const job = this.wrap(side, raw, name);
    this.running.set(`${side}:${job.id}`, job);
    if (this.running.size > MAX_RUNNING) this.running.delete(this.running.keys().next().value as string);
    return job;
  }

  /** The handler's wrapper of a job whose attempt ended (a new one if it ran elsewhere), forgotten. */
  finished(side: Side, raw: RawJob, name = raw.name): QueueJob<Data> {
    const key = `${side}:${String(raw.id)}`;
    const job = this.running.get(key);
    if (!job) return this.wrap(side, raw, name);
    this.running.delete(key);
    return job;
  }
}
