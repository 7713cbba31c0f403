/**
 * Repeatables move with their tier: on a flip the schedule leaves Bull and becomes a BullMQ job
 * scheduler, and back on a rollback. The hand-over is exact per tick: the tick the old side had
 * scheduled next either still runs there (it was already due) or runs on the new side, never both
 * and never neither. Any process that registered a repeatable follows it; a lock in Redis lets one
 * process at a time move a given repeatable.
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { repeatLockKey, type RepeatSpec } from './naming.js';
import type { RepeatSide } from './repeat-sides.js';
import type { QueueFlags, RepeatMove, Side } from './types.js';

/**
 * Follow-up passes after each change: a Bull worker picking up a tick while it moved can re-add it
 * (Bull's own check-then-add); a busy machine can delay that re-add by seconds, hence the later passes.
 */
export const RECHECK_MS = [300, 1500, 5000, 15_000];
const LOCK_TTL_MS = 10_000;
/** Longest wait for a tick picked up on the old side to finish scheduling its successor (within the lock's TTL). */
const PICKUP_WAIT_MS = 4000;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

export interface HandoverDeps {
  sides: Record<Side, RepeatSide>;
  flags: Pick<QueueFlags, 'useBullMQ'>;
  /** For the cross-process lock; absent in tests of the hand-over alone. */
  lock?: { client: Redis; prefix: string };
  moved(move: RepeatMove): void;
  error(error: Error): void;
}

export class RepeatHandover {
  private readonly specs = new Map<string, RepeatSpec>();
  private chain: Promise<void> = Promise.resolve();
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(private readonly deps: HandoverDeps) {}

  /** Follow a repeatable from now on; resolves once it is placed (or replaced) on its side, rejects if that fails. */
  register(spec: RepeatSpec): Promise<void> {
    this.specs.set(`${spec.queue}\n${spec.name}`, spec);
    this.recheck();
    return this.enqueue(async () => {
      for (const side of Object.values(this.deps.sides)) await side.removeOthers(spec, false);
      await this.place(spec, this.sideOf(spec));
    });
  }

  /** Stop following a repeatable and remove it from both sides. */
  unregister(queue: string, name: string): Promise<void> {
    // Also for a repeatable this process never registered (an earlier deploy's): removal needs only its name.
    const spec = this.specs.get(`${queue}\n${name}`) ?? { queue, name, schedule: { pattern: '' }, data: undefined, opts: {} };
    this.specs.delete(`${queue}\n${name}`);
    return this.enqueue(() =>
      this.locked(spec, async () => {
        for (const side of Object.values(this.deps.sides)) await side.removeOthers(spec, true);
      }),
    );
  }

  /** Put every repeatable where the flags say, now and again shortly after. Serialised. */
  reconcile(): Promise<void> {
    if (this.specs.size === 0) return Promise.resolve();
    this.recheck();
    return this.enqueue(() => this.placeAll());
  }

  private recheck(): void {
    for (const delay of RECHECK_MS) {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        void this.enqueue(() => this.placeAll());
      }, delay);
      this.timers.add(timer);
    }
  }

  private sideOf(spec: RepeatSpec): Side {
    return this.deps.flags.useBullMQ(spec.queue) ? 'bullmq' : 'bull';
  }

  /** One task at a time; a failed task does not stop the ones after it. */
  private enqueue(task: () => Promise<void>): Promise<void> {
    if (this.stopped) return Promise.resolve();
    const run = this.chain.then(() => (this.stopped ? undefined : task()));
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async placeAll(): Promise<void> {
    for (const spec of this.specs.values()) {
      if (this.stopped) return;
      try {
        await this.place(spec, this.sideOf(spec));
      } catch (error) {
        this.deps.error(new Error(`repeatable ${spec.queue}/${spec.name}: ${(error as Error).message}`, { cause: error }));
      }
    }
  }

  private async place(spec: RepeatSpec, target: Side): Promise<void> {
    const from = this.deps.sides[target === 'bull' ? 'bullmq' : 'bull'];
    const to = this.deps.sides[target];
    // The common case, without the lock: already in place.
    if ((await from.next(spec)) === null && (await to.next(spec)) !== null) return;
    await this.locked(spec, async () => {
      const releases = await Promise.all([from.hold?.(spec), to.hold?.(spec)]);
      try {
        await this.move(spec, target, from, to);
      } finally {
        for (const release of releases) await release?.();
      }
    });
  }

  private async move(spec: RepeatSpec, target: Side, from: RepeatSide, to: RepeatSide): Promise<void> {
    const due = await from.next(spec);
    if (due === null) {
      if ((await to.next(spec)) !== null) return;
      await to.create(spec);
      this.deps.moved({ queue: spec.queue, name: spec.name, to: target, tick: null, outcome: 'created' });
      return;
    }
    await from.remove(spec);
    // The new side starts at once, so its first tick follows the old side's last one.
    if ((await to.next(spec)) === null) await to.create(spec);
    const taken = await this.afterPickup(from, spec);
    const first = await to.next(spec);
    const outcomes = new Map<number, RepeatMove['outcome']>();
    for (const tick of [due, ...taken]) {
      // Removal deletes a tick only while it is still delayed; a due tick stays and runs there.
      if (await from.tickExists(spec, tick)) outcomes.set(tick, 'ran-on-old-side');
      else if (first !== null && first > tick) {
        await to.addTick(spec, tick);
        outcomes.set(tick, 'compensated');
      } else outcomes.set(tick, 'moved');
    }
    for (const [tick, outcome] of outcomes) this.deps.moved({ queue: spec.queue, name: spec.name, to: target, tick, outcome });
  }

  /**
   * A worker that picked up a tick of the old side just before the removal may still schedule the
   * next tick there (Bull checks that the repeatable exists, then adds it, then adds the tick's job).
   * Wait until no such pick-up is in flight, then take from the old side whatever it added.
   * Returns the ticks taken.
   */
  private async afterPickup(from: RepeatSide, spec: RepeatSpec): Promise<number[]> {
    if (!from.pickingUp || !from.leftTicks) return [];
    const deadline = Date.now() + PICKUP_WAIT_MS;
    while (!this.stopped && Date.now() < deadline && (await from.pickingUp(spec))) await new Promise((resolve) => setTimeout(resolve, 50));
    const taken: number[] = [];
    const readded = await from.next(spec);
    if (readded !== null) {
      await from.remove(spec);
      taken.push(readded);
    }
    for (const tick of await from.leftTicks(spec)) {
      await from.removeTick?.(spec, tick);
      if (!taken.includes(tick)) taken.push(tick);
    }
    return taken.sort((a, b) => a - b);
  }

  /** Run `fn` holding the repeatable's lock (waiting for another process's move to finish). */
  private async locked(spec: RepeatSpec, fn: () => Promise<void>): Promise<void> {
    const lock = this.deps.lock;
    if (!lock) return fn();
    const key = repeatLockKey(lock.prefix, spec);
    const token = randomBytes(8).toString('hex');
    const deadline = Date.now() + LOCK_TTL_MS;
    while ((await lock.client.set(key, token, 'PX', LOCK_TTL_MS, 'NX')) !== 'OK') {
      if (this.stopped) return;
      if (Date.now() > deadline) throw new Error(`another process has been moving it for ${LOCK_TTL_MS} ms; will retry at the next pass`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    try {
      await fn();
    } finally {
      await lock.client.eval(RELEASE, 1, key, token).catch(() => undefined);
    }
  }

  /** Stop following; resolves when the pass in progress is done. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await this.chain;
  }
}
