/**
 * The public types of `redis-migrate/queues`: job options in one shape for both libraries, the job
 * a handler receives on either side, the flags the adapter follows, and the events it emits.
 */

/** The two libraries a queue can run on while it migrates: Bull (legacy) or BullMQ. */
export const SIDES = ['bull', 'bullmq'] as const;
export type Side = (typeof SIDES)[number];

/** Which finished jobs to keep: at most `count`, or none older than `age` seconds (both libraries' meaning). */
export interface KeepJobs {
  age?: number;
  count?: number;
}

/** Retry delays. `fixed` and `exponential` are built in; other types need a strategy in `backoffStrategies`. */
export interface BackoffOptions {
  type: 'fixed' | 'exponential' | (string & {});
  /** Milliseconds. */
  delay?: number;
}

/**
 * A custom backoff: the delay in ms before the next attempt, or -1 to stop retrying. `attemptsMade`
 * counts the attempt that just failed (1 after the first failure), on both sides.
 */
export type BackoffStrategy = (attemptsMade: number, error: Error) => number;

/**
 * Options of one job, in one shape for Bull and BullMQ. Each option means what it means in the
 * library of the side the job lands on (e.g. `exponential` backoff waits delay·(2ⁿ−1) in Bull and
 * delay·2ⁿ⁻¹ in BullMQ). Options only one library has are refused at `add` (see the guide).
 */
export interface JobOptions {
  /** A custom id: a string that is not an integer, with no ":" (or exactly two), as BullMQ requires. */
  jobId?: string;
  /** Total attempts, retries included. Default 1. */
  attempts?: number;
  /** A number is a fixed delay in ms. */
  backoff?: number | BackoffOptions;
  /** Milliseconds before the job can run. */
  delay?: number;
  /** 1 (highest) to 2,097,151; 0 or absent: no priority. */
  priority?: number;
  /** Add to the end that is taken next (last in, first out). */
  lifo?: boolean;
  removeOnComplete?: boolean | number | KeepJobs;
  removeOnFail?: boolean | number | KeepJobs;
  stackTraceLimit?: number;
  /** The job's creation time, ms. Default: now. */
  timestamp?: number;
  /** Ignore adds with the same id while the first job is unfinished, or for `ttl` ms. Per side: not across a flip. Bull calls this `debounce`. */
  deduplication?: { id: string; ttl?: number };
}

/** What `add` and `addBulk` accept: `JobOptions`, or Bull's name `debounce` for `deduplication`. */
export type AddOptions = JobOptions & { debounce?: { id: string; ttl?: number } };

/** Job options that apply to each tick of a repeatable (no id, delay, timestamp or deduplication: the schedule sets those). */
export type RepeatJobOptions = Pick<JobOptions, 'attempts' | 'backoff' | 'priority' | 'lifo' | 'removeOnComplete' | 'removeOnFail' | 'stackTraceLimit'>;

/**
 * When a repeatable fires: a cron pattern (with an optional seconds field), as BullMQ's `pattern`
 * or Bull's `cron`. `every` is refused: Bull and BullMQ align it differently, so it cannot move
 * between them tick for tick; write the equivalent cron pattern instead.
 */
export interface RepeatOptions {
  pattern?: string;
  /** Bull's name for `pattern`. */
  cron?: string;
  /** IANA time zone of the pattern. */
  tz?: string;
  startDate?: Date | string | number;
  endDate?: Date | string | number;
}

/** The job a handler receives, the same shape on both sides. */
export interface QueueJob<Data = unknown> {
  /** The job id (a string on both sides). */
  readonly id: string;
  /** The name given to `add` (Bull jobs added without one are named `__default__`). */
  readonly name: string;
  readonly data: Data;
  /** The job's options, read back in the shape of `JobOptions`. */
  readonly opts: JobOptions;
  /** Attempts that failed before this one (0 on the first run). */
  readonly attemptsMade: number;
  /** When the job was created, ms. */
  readonly timestamp: number;
  /** The queue, as the app names it (also in the merged topology). */
  readonly queue: string;
  /** Which library holds the job. */
  readonly side: Side;
  /** For a tick of a repeatable: the tick's time (ms), the same whichever side runs it. */
  readonly repeatTick: number | undefined;
  /** Report progress; emits `progress` on the queue. */
  updateProgress(progress: number | object): Promise<void>;
  /** Append a line to the job's log. */
  log(row: string): Promise<void>;
}

/** The app's job handler: its return value is the job's result, a thrown error fails the attempt. */
export type Processor<Data = unknown, Result = unknown> = (job: QueueJob<Data>) => Promise<Result>;

/** Options of `process()`. */
export interface ProcessOptions {
  /** Jobs run at once by this process, per side. Default 1. */
  concurrency?: number;
}

/** Whether a flag change has reached every running app instance (read from the flag store). */
export interface RolloutStatus {
  /** Every live instance has applied the version this process runs (or runs on a rebuilt store). */
  applied: boolean;
  /** Live instances whose own environment pins them to Bull (`USE_BULLMQ=false`). */
  pinnedToLegacy: number;
}

/**
 * What the adapter asks of the flags. The flags SDK's client (`connectFlags` from
 * `redis-migrate/flags`) is one; a fixed object is another (e.g. every queue on BullMQ).
 */
export interface QueueFlags {
  /** Shown in connection names when `name` is not given. */
  readonly app?: string;
  /** The side for this queue, right now. Synchronous: the adapter asks at every add. */
  useBullMQ(queue: string): boolean;
  on(event: 'change', listener: () => void): unknown;
  off(event: 'change', listener: () => void): unknown;
  /** Without it the adapter stops an old side's worker as soon as its backlog reads empty. */
  rollout?(): Promise<RolloutStatus>;
}

/** A side's worker started or stopped in this process. */
export interface WorkerChange {
  side: Side;
  /** The queue on that side (the merged queue's name in the merged topology). */
  queue: string;
  state: 'started' | 'stopped';
  /** started: `flags` (the side has new work), `backlog` (jobs left there), `late-job` (a job landed after it stopped); stopped: `drained`, `close`. */
  reason: 'flags' | 'backlog' | 'late-job' | 'drained' | 'close';
}

/** A repeatable was placed on the side its queue's flags name. */
export interface RepeatMove {
  queue: string;
  name: string;
  to: Side;
  /** The tick the old side had scheduled next (null when the repeatable was created, not moved). */
  tick: number | null;
  /** moved: the new side runs that tick; ran-on-old-side: it was already due there; compensated: added to the new side as a one-off job; created: first placement. */
  outcome: 'moved' | 'ran-on-old-side' | 'compensated' | 'created';
}

/** Events of one queue, from both sides in one stream (jobs this process runs). */
export interface QueueEvents<Data = unknown, Result = unknown> {
  completed: [job: QueueJob<Data>, result: Result];
  /** Every failed attempt, retried or not, as both libraries report it. */
  failed: [job: QueueJob<Data> | undefined, error: Error];
  progress: [job: QueueJob<Data>, progress: number | object];
  error: [error: Error];
  /** A side's worker found that side's queue empty. */
  drained: [side: Side];
}

/** Events of the whole adapter. */
export interface MigratingQueuesEvents {
  worker: [change: WorkerChange];
  repeat: [move: RepeatMove];
  /** Failures the adapter recovered from or reports (a Redis read while draining, a worker error). */
  error: [error: Error];
}
