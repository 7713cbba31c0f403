/**
 * The app's producing side: jobs at a steady rate, spread over the queues, each added through
 * `redis-migrate/queues`, which sends it to the side the flags name at the moment of the add.
 */
import { randomBytes } from 'node:crypto';
import type { MigratingQueues } from '../../src/adapters/queues/index.js';
import type { EventReporter } from './events.js';
import type { JobData } from './handler.js';

/** Job options every fleet job gets: retries with backoff, bounded history (the same on both sides). */
export const JOB_OPTIONS = { attempts: 5, backoff: { type: 'fixed', delay: 200 }, removeOnComplete: 1000, removeOnFail: 1000 } as const;

/** More adds in flight than this and the producer skips ticks instead of piling up (it reports lag). */
const MAX_IN_FLIGHT = 256;

export class Producer {
  private rate = 0;
  private timer: NodeJS.Timeout | undefined;
  private startedAt = 0;
  private sent = 0;
  private seq = 0;
  /** Job ids stay unique across restarts of a process with the same name (a reused id would be deduplicated by the queue). */
  private readonly run = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  private readonly all = new Set<Promise<unknown>>();

  constructor(
    private readonly queues: MigratingQueues,
    private readonly names: string[],
    private readonly reporter: EventReporter,
    private readonly process: string,
  ) {}

  setRate(rate: number): void {
    this.rate = rate;
    this.startedAt = Date.now();
    this.sent = 0;
    clearInterval(this.timer);
    this.timer = undefined;
    if (rate > 0) this.timer = setInterval(() => this.tick(), 10);
  }

  private tick(): void {
    const due = Math.floor(((Date.now() - this.startedAt) / 1000) * this.rate) - this.sent;
    for (let i = 0; i < due && this.all.size < MAX_IN_FLIGHT; i++) {
      this.sent++;
      void this.add(this.names[this.seq % this.names.length] as string);
    }
    if (this.all.size >= MAX_IN_FLIGHT) this.sent = Math.floor(((Date.now() - this.startedAt) / 1000) * this.rate);
  }

  /** Add one job; it counts as produced once the queue has it, on the side it landed on. */
  add(queue: string): Promise<unknown> {
    const n = ++this.seq;
    const id = `${this.process}-${this.run}-${n}`;
    const data: JobData = { kind: 'job', id, n, at: Date.now() };
    const tracked = this.queues
      .get<JobData>(queue)
      .add('job', data, { ...JOB_OPTIONS, jobId: id })
      .then(
        (job) => this.reporter.produced([id, queue, job.side]),
        () => this.reporter.addFailed(),
      );
    this.all.add(tracked);
    void tracked.finally(() => this.all.delete(tracked));
    return tracked;
  }

  /** Stop producing and wait for the adds in flight. */
  async stop(): Promise<void> {
    this.setRate(0);
    await Promise.allSettled([...this.all]);
  }
}
