/**
 * The legacy side: one Bull queue object per queue, shared by whoever in the process needs it (an
 * add in flight, a producer while the queue is on Bull, the worker while it runs or drains, a
 * repeatable being moved). Opened on first use, closed when nobody holds it any more, so Bull's
 * connections exist only while it has work or a producer. Bull itself is imported on first use.
 */
import type Bull from 'bull';
import type { RedisOptions } from 'ioredis';
import { bullRedisOptions } from './connection.js';
import type { Settings } from './settings.js';

export type BullQueue = Bull.Queue;
export type BullHolder = 'add' | 'produce' | 'work' | 'schedule';

/** How a queue's jobs run on this side, and where its events go. */
export interface BullWiring {
  concurrency(queue: string): number;
  run(queue: string, job: Bull.Job): Promise<unknown>;
  /** A new Bull queue object: forward its events. */
  opened(queue: string, bull: BullQueue): void;
  error(error: Error): void;
}

interface Handle {
  queue: BullQueue;
  holders: Map<BullHolder, number>;
  processing: boolean;
  /** Resolves once this queue object is closed, or held for work again. */
  settled: Promise<void>;
  settle: () => void;
}

export class BullSide {
  private Queue: typeof Bull | undefined;
  private loading: Promise<typeof Bull> | undefined;
  private readonly handles = new Map<string, Handle>();
  private readonly closing = new Set<Promise<void>>();

  constructor(
    private readonly redis: RedisOptions,
    private readonly settings: Settings,
    private readonly wiring: BullWiring,
  ) {}

  /** Import Bull (once); every other method needs it loaded. */
  async load(): Promise<void> {
    this.loading ??= import('bull').then((module) => (this.Queue = module.default));
    await this.loading;
  }

  /** Load Bull and hold the queue. */
  async open(name: string, holder: BullHolder): Promise<BullQueue> {
    await this.load();
    return this.hold(name, holder);
  }

  /** The queue object, held for `holder` until release(); holding it for work starts processing. */
  hold(name: string, holder: BullHolder): BullQueue {
    if (!this.Queue) throw new Error('bull is not loaded yet (call load() first)');
    let handle = this.handles.get(name);
    if (!handle) {
      const { worker, prefixes, strategies, name: process } = this.settings;
      const backoffStrategies = Object.fromEntries(
        Object.entries(strategies).map(([type, strategy]) => [type, (attemptsMade: number, error: Error) => strategy(attemptsMade, error)]),
      );
      const queue = new this.Queue(name, {
        prefix: prefixes.bull,
        // Bull bundles ioredis 5; its option type differs from ioredis 6's only in details not used here.
        redis: bullRedisOptions(this.redis, process, name) as Bull.QueueOptions['redis'],
        settings: {
          lockDuration: worker.lockDuration,
          stalledInterval: worker.stalledInterval,
          maxStalledCount: worker.maxStalledCount,
          drainDelay: worker.drainDelay,
          backoffStrategies,
        },
      });
      queue.on('error', (error: Error) => this.wiring.error(new Error(`bull ${name}: ${error.message}`, { cause: error })));
      this.wiring.opened(name, queue);
      let settle: () => void = () => undefined;
      const settled = new Promise<void>((resolve) => (settle = resolve));
      handle = { queue, holders: new Map(), processing: false, settled, settle };
      this.handles.set(name, handle);
    }
    handle.holders.set(holder, (handle.holders.get(holder) ?? 0) + 1);
    if (holder === 'work') this.renew(handle);
    if (holder === 'work' && !handle.processing) {
      handle.processing = true;
      // Every job name: Bull runs named jobs only with a handler for that name or '*'.
      handle.queue
        .process('*', this.wiring.concurrency(name), (job) => this.wiring.run(name, job))
        .catch((error: Error) => {
          this.wiring.error(new Error(`bull ${name}: processing stopped: ${error.message}`, { cause: error }));
        });
    }
    return handle.queue;
  }

  isHeld(name: string, holder: BullHolder): boolean {
    return (this.handles.get(name)?.holders.get(holder) ?? 0) > 0;
  }

  /** A worker that held the queue again: whoever waited for the previous work to end stops waiting. */
  private renew(handle: Handle): void {
    handle.settle();
    handle.settled = new Promise<void>((resolve) => (handle.settle = resolve));
  }

  /**
   * Drop one hold; the last one closes the queue (waiting for its active jobs). Releasing the work
   * hold resolves only once the queue is really closed (another holder may keep it open a moment
   * longer), or held for work again: a worker reported stopped has no connection and no job left.
   */
  async release(name: string, holder: BullHolder): Promise<void> {
    const handle = this.handles.get(name);
    const count = handle?.holders.get(holder) ?? 0;
    if (!handle || count === 0) return;
    if (count > 1) handle.holders.set(holder, count - 1);
    else handle.holders.delete(holder);
    if (handle.holders.size > 0) {
      if (holder === 'work' && handle.processing) await handle.settled;
      return;
    }
    this.handles.delete(name);
    await this.track(handle.queue.close());
    handle.settle();
  }

  /** Never rejects: a close that fails has lost its connection already, which is what closing wanted. */
  private async track(closing: Promise<void>): Promise<void> {
    this.closing.add(closing);
    try {
      await closing;
    } catch (error) {
      this.wiring.error(new Error(`bull queue close: ${(error as Error).message}`, { cause: error }));
    } finally {
      this.closing.delete(closing);
    }
  }

  /** Close every queue: the ones processing first (their active jobs finish, unless `force`), then the rest. */
  async closeAll(force = false): Promise<void> {
    const handles = [...this.handles.values()];
    this.handles.clear();
    await Promise.all(handles.filter((h) => h.processing).map((h) => this.track(h.queue.close(force))));
    await Promise.all(handles.filter((h) => !h.processing).map((h) => this.track(h.queue.close())));
    await Promise.all([...this.closing]);
    for (const handle of handles) handle.settle();
  }
}
