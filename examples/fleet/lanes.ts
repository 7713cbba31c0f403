/**
 * Which workers run in this process. A lane is one queue in one system: a Bull queue, or a BullMQ
 * queue (which carries several legacy queues in the merged topology). A lane runs while the flags
 * send work to it, and after they stop doing so it keeps running until every live instance has
 * applied the change and its backlog reads empty twice; then it stops, and is watched a while
 * in case a late job lands there (it restarts if one does). Nothing is stranded on either side.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type { AppFlags } from './app-flags.js';
import type { StateKeys } from '../../src/state/keys.js';
import { allApplied, backlogCount } from './backlog.js';
import type { BullSide } from './bull-side.js';
import type { BullmqSide } from './bullmq-side.js';
import type { QueueSystem } from './catalog.js';
import type { DrainOptions } from './config.js';

export interface Lane {
  /** `bull:<queue>` or `bullmq:<queue>`. */
  id: string;
  system: QueueSystem;
  queue: string;
  /** Legacy queues whose jobs this lane processes. */
  carries: string[];
}

export interface LaneDeps {
  flags: AppFlags;
  bull: BullSide;
  bullmq: BullmqSide;
  client: Redis;
  keys: StateKeys;
  prefixes: Record<QueueSystem, string>;
  drain: DrainOptions;
  log: (level: 'info' | 'warn', message: string) => void;
  onChange: () => void;
}

export class Lanes {
  private readonly running = new Set<string>();
  /** Lane id → generation of its current drain/watch loop; a newer sync cancels older loops. */
  private readonly loops = new Map<string, number>();
  private generation = 0;
  private stopped = false;

  constructor(
    readonly lanes: Lane[],
    private readonly deps: LaneDeps,
  ) {}

  wanted(lane: Lane): boolean {
    const onBullmq = lane.carries.map((queue) => this.deps.flags.useBullMQ(queue));
    return lane.system === 'bullmq' ? onBullmq.some(Boolean) : !onBullmq.every(Boolean);
  }

  runningLanes(): string[] {
    return [...this.running].sort();
  }

  /** Bring every lane in line with the flags. At start, a side with leftovers is drained too. */
  async sync(initial = false): Promise<void> {
    if (this.stopped) return;
    for (const lane of this.lanes) {
      if (this.wanted(lane)) {
        this.loops.delete(lane.id);
        this.start(lane);
      } else if (this.running.has(lane.id)) {
        if (!this.loops.has(lane.id)) this.background(this.drain(lane));
      } else if (initial && (await this.backlog(lane)) > 0) {
        this.start(lane);
        this.background(this.drain(lane));
      }
    }
    this.deps.onChange();
  }

  /** Drain loops run on their own; a failure is logged, never an unhandled rejection. */
  private background(loop: Promise<void>): void {
    loop.catch((error: Error) => this.deps.log('warn', `drain loop: ${error.message}`));
  }

  private backlog(lane: Lane): Promise<number> {
    return backlogCount(this.deps.client, lane.system, this.deps.prefixes[lane.system], lane.queue);
  }

  private start(lane: Lane): void {
    if (this.running.has(lane.id)) return;
    this.running.add(lane.id);
    if (lane.system === 'bull') this.deps.bull.hold(lane.queue, 'work');
    else this.deps.bullmq.startWorker(lane.queue);
  }

  private async stopLane(lane: Lane): Promise<void> {
    if (!this.running.delete(lane.id)) return;
    if (lane.system === 'bull') await this.deps.bull.release(lane.queue, 'work');
    else await this.deps.bullmq.stopWorker(lane.queue);
    // Reported once the worker's connections are closed, so an observer can measure right after.
    this.deps.onChange();
  }

  private current(lane: Lane, generation: number): boolean {
    return !this.stopped && this.loops.get(lane.id) === generation && !this.wanted(lane);
  }

  /** Keep the lane running until the side is provably empty, then stop it and watch it a while. */
  private async drain(lane: Lane): Promise<void> {
    const generation = ++this.generation;
    this.loops.set(lane.id, generation);
    const { drain, flags, client, keys } = this.deps;
    const startedAt = Date.now();
    let emptySince: number | undefined;
    while (this.current(lane, generation)) {
      await sleep(drain.pollMs);
      if (!this.current(lane, generation)) return;
      try {
        const acked = await allApplied(client, keys, flags.version, flags.snapshot.epoch);
        if (!acked && Date.now() - startedAt < drain.ackTimeoutMs) continue;
        if ((await this.backlog(lane)) > 0) {
          emptySince = undefined;
          continue;
        }
      } catch (error) {
        // Redis away: keep the worker running (the safe side) and look again.
        this.deps.log('warn', `${lane.id} drain check failed, worker kept: ${(error as Error).message}`);
        emptySince = undefined;
        continue;
      }
      emptySince ??= Date.now();
      if (Date.now() - emptySince < drain.settleMs) continue;
      if (!this.current(lane, generation)) return;
      this.deps.log('info', `${lane.id} drained, worker stopped`);
      await this.stopLane(lane);
      await this.watch(lane, generation);
      return;
    }
  }

  private async watch(lane: Lane, generation: number): Promise<void> {
    const until = Date.now() + this.deps.drain.watchMs;
    while (this.current(lane, generation) && Date.now() < until) {
      await sleep(Math.max(this.deps.drain.pollMs, 1000));
      if (!this.current(lane, generation)) return;
      if ((await this.backlog(lane).catch(() => 0)) > 0) {
        this.deps.log('warn', `${lane.id}: a job landed after the drain; worker restarted`);
        this.start(lane);
        this.deps.onChange();
        this.loops.delete(lane.id);
        this.background(this.drain(lane));
        return;
      }
    }
    if (this.loops.get(lane.id) === generation) this.loops.delete(lane.id);
  }

  /** Stop following the flags; the workers themselves are closed by the fleet's shutdown. */
  stop(): void {
    this.stopped = true;
    this.loops.clear();
  }
}
