/**
 * Which workers run in this process. A lane is one queue on one side: a Bull queue, or a BullMQ
 * queue (which carries several queues in the merged topology). A lane runs while the flags send
 * work to it; after they stop doing so it keeps running until every live app instance has applied
 * the change and its backlog reads empty for a while, then stops, and is watched a while in case a
 * late job lands there (it restarts if one does, and at every later flag change that finds work
 * there). A Bull lane never stops while a live instance is pinned to Bull by its kill switch.
 */
import type { Redis } from 'ioredis';
import { backlogCount } from './backlog.js';
import type { BullSide } from './bull-side.js';
import type { BullmqSide } from './bullmq-side.js';
import type { Settings } from './settings.js';
import type { QueueFlags, Side, WorkerChange } from './types.js';

export interface Lane {
  /** `bull:<queue>` or `bullmq:<queue>`. */
  id: string;
  side: Side;
  /** The queue on that side. */
  queue: string;
  /** The app's queues whose jobs this lane runs (those with a handler in this process). */
  carries: Set<string>;
}

export interface LaneDeps {
  flags: QueueFlags;
  bull: BullSide;
  bullmq: BullmqSide;
  /** Reads backlogs (the shared connection). */
  client: Redis;
  settings: Settings;
  changed(change: WorkerChange): void;
  error(error: Error): void;
}

export class Lanes {
  private readonly lanes = new Map<string, Lane>();
  private readonly running = new Set<string>();
  /** Lane id → generation of its current drain/watch loop; a newer sync cancels older loops. */
  private readonly loops = new Map<string, number>();
  private generation = 0;
  private stopped = false;
  private syncing: Promise<void> = Promise.resolve();
  /** Wakes every drain loop's pause at once when the lanes stop. */
  private readonly sleepers = new Set<() => void>();

  constructor(private readonly deps: LaneDeps) {}

  /** Lanes whose workers run now, as `side:queue`. */
  runningLanes(): string[] {
    return [...this.running].sort();
  }

  /** The lanes a queue's jobs can be on: its Bull queue and its BullMQ queue. */
  lanesOf(queue: string, bullmqQueue: string): Lane[] {
    const out: Lane[] = [];
    for (const [side, name] of [
      ['bull', queue],
      ['bullmq', bullmqQueue],
    ] as const) {
      const id = `${side}:${name}`;
      let lane = this.lanes.get(id);
      if (!lane) {
        lane = { id, side, queue: name, carries: new Set() };
        this.lanes.set(id, lane);
      }
      out.push(lane);
    }
    return out;
  }

  /** A queue got its handler: its lanes carry it from now on; work left on a side it is not on gets drained. */
  add(queue: string, bullmqQueue: string): Promise<void> {
    const lanes = this.lanesOf(queue, bullmqQueue);
    for (const lane of lanes) lane.carries.add(queue);
    const merged = lanes.find((lane) => lane.side === 'bullmq' && lane.carries.size > 1);
    if (merged) this.resize(merged);
    return this.sync(lanes);
  }

  /** A merged worker that carries one more queue runs with the concurrency that implies. */
  private resize(lane: Lane): void {
    const worker = this.deps.bullmq.worker(lane.queue);
    if (worker) worker.concurrency = this.deps.bullmq.concurrencyOf(lane.queue);
  }

  wanted(lane: Lane): boolean {
    const onBullmq = [...lane.carries].map((queue) => this.deps.flags.useBullMQ(queue));
    return lane.side === 'bullmq' ? onBullmq.some(Boolean) : !onBullmq.every(Boolean);
  }

  /** Bring lanes in line with the flags (all of them by default); a stopped lane with work left restarts. Serialised. */
  sync(only?: Lane[]): Promise<void> {
    this.syncing = this.syncing.then(() => this.syncNow(only ?? [...this.lanes.values()])).catch((error: Error) => this.deps.error(error));
    return this.syncing;
  }

  private async syncNow(lanes: Lane[]): Promise<void> {
    for (const lane of lanes) {
      if (this.stopped) return;
      if (lane.carries.size === 0) continue;
      if (this.wanted(lane)) {
        this.loops.delete(lane.id);
        await this.start(lane, 'flags');
      } else if (this.running.has(lane.id)) {
        if (!this.loops.has(lane.id)) this.background(this.drain(lane));
      } else if ((await this.backlog(lane).catch(() => 0)) > 0) {
        await this.start(lane, 'backlog');
        this.background(this.drain(lane));
      }
    }
  }

  /** Drain loops run on their own; a failure is reported, never an unhandled rejection. */
  private background(loop: Promise<void>): void {
    loop.catch((error: Error) => this.deps.error(new Error(`drain loop: ${error.message}`, { cause: error })));
  }

  private backlog(lane: Lane): Promise<number> {
    return backlogCount(this.deps.client, lane.side, this.deps.settings.prefixes[lane.side], lane.queue);
  }

  private async start(lane: Lane, reason: WorkerChange['reason']): Promise<void> {
    if (this.running.has(lane.id) || this.stopped) return;
    this.running.add(lane.id);
    if (lane.side === 'bull') {
      await this.deps.bull.load();
      if (!this.running.has(lane.id)) return;
      this.deps.bull.hold(lane.queue, 'work');
    } else {
      await this.deps.bullmq.load();
      if (!this.running.has(lane.id)) return;
      this.deps.bullmq.startWorker(lane.queue);
    }
    this.deps.changed({ side: lane.side, queue: lane.queue, state: 'started', reason });
  }

  private async stopLane(lane: Lane): Promise<void> {
    if (!this.running.delete(lane.id)) return;
    if (lane.side === 'bull') await this.deps.bull.release(lane.queue, 'work');
    else await this.deps.bullmq.stopWorker(lane.queue);
    // Reported once the worker's connections are closed (so an observer can count right after), unless it runs again.
    if (!this.running.has(lane.id)) this.deps.changed({ side: lane.side, queue: lane.queue, state: 'stopped', reason: 'drained' });
  }

  private current(lane: Lane, generation: number): boolean {
    return !this.stopped && this.loops.get(lane.id) === generation && !this.wanted(lane);
  }

  /** Resolves after `ms`, or at once when the lanes stop. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.stopped) return resolve();
      const done = () => {
        clearTimeout(timer);
        this.sleepers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.sleepers.add(done);
    });
  }

  /** Keep the lane running until its side is provably empty, then stop it and watch it a while. */
  private async drain(lane: Lane): Promise<void> {
    const generation = ++this.generation;
    this.loops.set(lane.id, generation);
    const { drain } = this.deps.settings;
    const startedAt = Date.now();
    let emptySince: number | undefined;
    while (this.current(lane, generation)) {
      await this.pause(drain.pollMs);
      if (!this.current(lane, generation)) return;
      try {
        const rollout = (await this.deps.flags.rollout?.()) ?? { applied: true, pinnedToLegacy: 0 };
        // An instance pinned to Bull by its kill switch keeps adding there: its workers must stay.
        const pinned = lane.side === 'bull' && rollout.pinnedToLegacy > 0;
        const waiting = !rollout.applied && Date.now() - startedAt < drain.ackTimeoutMs;
        if (pinned || waiting || (await this.backlog(lane)) > 0) {
          emptySince = undefined;
          continue;
        }
      } catch (error) {
        // Redis away: keep the worker running (the safe side) and look again.
        this.deps.error(new Error(`${lane.id}: drain check failed, worker kept: ${(error as Error).message}`, { cause: error }));
        emptySince = undefined;
        continue;
      }
      emptySince ??= Date.now();
      if (Date.now() - emptySince < drain.settleMs) continue;
      if (!this.current(lane, generation)) return;
      await this.stopLane(lane);
      await this.watch(lane, generation);
      return;
    }
  }

  private async watch(lane: Lane, generation: number): Promise<void> {
    const until = Date.now() + this.deps.settings.drain.watchMs;
    while (this.current(lane, generation) && Date.now() < until) {
      await this.pause(Math.max(this.deps.settings.drain.pollMs, 1000));
      if (!this.current(lane, generation)) return;
      if ((await this.backlog(lane).catch(() => 0)) > 0) {
        await this.start(lane, 'late-job');
        this.loops.delete(lane.id);
        this.background(this.drain(lane));
        return;
      }
    }
    if (this.loops.get(lane.id) === generation) this.loops.delete(lane.id);
  }

  /** Stop following the flags; the workers themselves are closed by the adapter's close(). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.loops.clear();
    for (const wake of [...this.sleepers]) wake();
    await this.syncing;
  }

  /** Mark every lane stopped (close() is closing their workers) and report it. */
  closedAll(): void {
    for (const id of this.running) {
      const lane = this.lanes.get(id);
      if (lane) this.deps.changed({ side: lane.side, queue: lane.queue, state: 'stopped', reason: 'close' });
    }
    this.running.clear();
  }
}
