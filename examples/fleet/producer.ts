/**
 * The app's producing side: jobs at a steady rate, spread over the queues, each added to the
 * system the flags name at the moment of the add. While a queue is on legacy the producer holds
 * its Bull queue open; every add also holds it until the add returns, so a flip never closes a
 * Bull queue under an add in flight.
 */
import { randomBytes } from 'node:crypto';
import type { AppFlags } from './app-flags.js';
import { JOB_OPTIONS, type BullSide } from './bull-side.js';
import type { BullmqSide } from './bullmq-side.js';
import { bullmqQueueOf } from './catalog.js';
import type { Topology } from './config.js';
import type { EventReporter } from './events.js';

/** More adds in flight than this and the producer skips ticks instead of piling up (it reports lag). */
const MAX_IN_FLIGHT = 256;

export interface ProducerDeps {
  flags: AppFlags;
  bull: BullSide;
  bullmq: BullmqSide;
  topology: Topology;
  queues: string[];
  reporter: EventReporter;
  name: string;
}

export class Producer {
  private rate = 0;
  private timer: NodeJS.Timeout | undefined;
  private startedAt = 0;
  private sent = 0;
  private seq = 0;
  /** Job ids stay unique across restarts of a process with the same name (a reused id would be deduplicated by the queue). */
  private readonly run = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  private readonly holding = new Set<string>();
  private readonly all = new Set<Promise<unknown>>();

  constructor(private readonly deps: ProducerDeps) {}

  /** Hold the Bull queues of legacy queues; let go of the others once their adds are done. */
  sync(): void {
    for (const queue of this.deps.queues) {
      const legacy = !this.deps.flags.useBullMQ(queue);
      if (legacy && !this.holding.has(queue)) {
        this.holding.add(queue);
        this.deps.bull.hold(queue, 'produce');
      } else if (!legacy && this.holding.has(queue)) {
        this.holding.delete(queue);
        void this.deps.bull.release(queue, 'produce');
      }
    }
  }

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
      const queue = this.deps.queues[this.seq % this.deps.queues.length] as string;
      void this.add(queue);
    }
    if (this.all.size >= MAX_IN_FLIGHT) this.sent = Math.floor(((Date.now() - this.startedAt) / 1000) * this.rate);
  }

  /** Add one job to whichever system the flags name right now. */
  add(queue: string): Promise<unknown> {
    const n = ++this.seq;
    const id = `${this.deps.name}-${this.run}-${n}`;
    const data = { kind: 'job' as const, id, n, at: Date.now() };
    const onBullmq = this.deps.flags.useBullMQ(queue);
    let adding: Promise<unknown>;
    if (onBullmq) {
      adding = this.deps.bullmq.queue(bullmqQueueOf(this.deps.topology, queue)).add(queue, data, { ...JOB_OPTIONS, jobId: id });
    } else {
      adding = this.deps.bull.hold(queue, 'produce').add(data, { ...JOB_OPTIONS, jobId: id });
      // This add's own hold, released when it returns.
      void adding.catch(() => undefined).finally(() => this.deps.bull.release(queue, 'produce'));
    }
    const system = onBullmq ? 'bullmq' : 'bull';
    const tracked = adding.then(
      () => this.deps.reporter.produced([id, queue, system]),
      () => this.deps.reporter.addFailed(),
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

  /** Let go of every Bull queue this producer holds. */
  async release(): Promise<void> {
    await Promise.all([...this.holding].map((queue) => this.deps.bull.release(queue, 'produce')));
    this.holding.clear();
  }
}
