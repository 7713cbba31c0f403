/**
 * Repeatable jobs move with their tier: on a flip the schedule leaves Bull and becomes a BullMQ job
 * scheduler, and back on rollback. One process owns this (the `schedule` role). The handover is
 * exact per tick: the tick the old side had scheduled next either still runs there (it was already
 * due) or runs on the new side, never both and never neither.
 */
import type { AppFlags } from './app-flags.js';
import type { QueueSystem, RepeatSpec } from './catalog.js';
import type { RepeatSide } from './repeat-sides.js';

/** Follow-up passes after each change: a Bull worker picking up a tick while it moved can re-add it (bull's own check-then-add). */
const RECHECK_MS = [300, 1500];

export class RepeatScheduler {
  private chain: Promise<void> = Promise.resolve();
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(
    private readonly specs: RepeatSpec[],
    private readonly sides: Record<QueueSystem, RepeatSide>,
    private readonly flags: AppFlags,
    private readonly log: (level: 'info' | 'warn', message: string) => void,
  ) {}

  /** Put every repeatable where the flags say, now and again shortly after. Serialised. */
  reconcile(): Promise<void> {
    for (const delay of RECHECK_MS) {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        void this.enqueue();
      }, delay);
      this.timers.add(timer);
    }
    return this.enqueue();
  }

  private enqueue(): Promise<void> {
    if (this.stopped) return this.chain;
    this.chain = this.chain.then(async () => {
      for (const spec of this.specs) {
        if (this.stopped) return;
        try {
          await this.place(spec, this.flags.useBullMQ(spec.queue) ? 'bullmq' : 'bull');
        } catch (error) {
          this.log('warn', `repeatable ${spec.queue}: ${(error as Error).message}`);
        }
      }
    });
    return this.chain;
  }

  private async place(spec: RepeatSpec, target: QueueSystem): Promise<void> {
    const from = this.sides[target === 'bull' ? 'bullmq' : 'bull'];
    const to = this.sides[target];
    const due = await from.next(spec);
    if (due === null) {
      if ((await to.next(spec)) === null) await to.create(spec);
      return;
    }
    await from.remove(spec);
    // Removal deletes the next tick only while it is still delayed; a due tick stays and runs there.
    const runsThere = await from.tickExists(spec, due);
    if ((await to.next(spec)) === null) await to.create(spec);
    const first = await to.next(spec);
    if (!runsThere && first !== null && first > due) await to.addTick(spec, due);
    this.log('info', `repeatable ${spec.queue} moved to ${target} (tick ${due} ${runsThere ? 'ran on the old side' : first === due ? 'moved' : 'compensated'})`);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await this.chain;
  }
}
