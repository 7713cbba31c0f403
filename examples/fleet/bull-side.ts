/**
 * The legacy side: one Bull queue object per queue, shared by whoever in the process needs it
 * (the producer while the queue is on legacy, the worker while it runs or drains, the scheduler
 * while it moves a repeatable). Opened on first use, closed when nobody holds it any more.
 */
import type Bull from 'bull';
import { bullRedisOptions } from './connections.js';
import type { WorkerTuning } from './config.js';
import type { Handler, JobData } from './handler.js';

export type BullQueue = Bull.Queue<JobData>;
export type BullHolder = 'produce' | 'work' | 'schedule';

interface BullHandle {
  queue: BullQueue;
  holders: Map<BullHolder, number>;
  processing: boolean;
  /** Resolves once this queue object is closed, or held for work again. */
  settled: Promise<void>;
  settle: () => void;
}

/** Job options every fleet job gets, in both systems: retries with backoff, bounded history. */
export const JOB_OPTIONS = { attempts: 5, backoff: { type: 'fixed', delay: 200 }, removeOnComplete: 1000, removeOnFail: 1000 } as const;

export class BullSide {
  private readonly handles = new Map<string, BullHandle>();
  private readonly closing = new Set<Promise<void>>();

  constructor(
    private readonly Queue: typeof Bull,
    private readonly options: { redisUrl: string; process: string; prefix: string; worker: WorkerTuning; handler: Handler; warn: (m: string) => void },
  ) {}

  /** The queue object, held for `holder` until release(); holding it for work starts processing. */
  hold(name: string, holder: BullHolder): BullQueue {
    let handle = this.handles.get(name);
    if (!handle) {
      const queue = new this.Queue(name, {
        prefix: this.options.prefix,
        // Bull bundles ioredis 5; its option type differs from ioredis 6's only in details we do not use.
        redis: bullRedisOptions(this.options.redisUrl, this.options.process, name) as Bull.QueueOptions['redis'],
        settings: { lockDuration: this.options.worker.lockDurationMs, stalledInterval: this.options.worker.stalledIntervalMs },
      });
      queue.on('error', (error: Error) => this.options.warn(`bull ${name}: ${error.message}`));
      let settle: () => void = () => undefined;
      const settled = new Promise<void>((resolve) => (settle = resolve));
      handle = { queue, holders: new Map(), processing: false, settled, settle };
      this.handles.set(name, handle);
    }
    handle.holders.set(holder, (handle.holders.get(holder) ?? 0) + 1);
    if (holder === 'work') this.renew(handle);
    if (holder === 'work' && !handle.processing) {
      handle.processing = true;
      const { handler, worker } = this.options;
      void handle.queue.process(worker.concurrency, (job) => handler('bull', name, job)).catch((error: Error) => {
        this.options.warn(`bull ${name} processing stopped: ${error.message}`);
      });
    }
    return handle.queue;
  }

  isHeld(name: string, holder: BullHolder): boolean {
    return (this.handles.get(name)?.holders.get(holder) ?? 0) > 0;
  }

  /** A worker that held the queue again: whoever waited for the previous work to end stops waiting. */
  private renew(handle: BullHandle): void {
    handle.settle();
    handle.settled = new Promise<void>((resolve) => (handle.settle = resolve));
  }

  /**
   * Drop one hold; the last one closes the queue (waiting for its active jobs). Releasing the work
   * hold resolves only once the queue is really closed (another holder, such as the scheduler
   * moving a repeatable, may keep it open a moment longer), or held for work again: a worker
   * reported stopped has no connection and no job left.
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
    if (this.handles.get(name) === handle) this.handles.delete(name);
    await this.track(handle.queue.close());
    handle.settle();
  }

  /** Never rejects: a close that fails has lost its connection already, which is what closing wanted. */
  private async track(closing: Promise<void>): Promise<void> {
    this.closing.add(closing);
    try {
      await closing;
    } catch (error) {
      this.options.warn(`bull queue close: ${(error as Error).message}`);
    } finally {
      this.closing.delete(closing);
    }
  }

  /** Close every queue: the ones processing first (their active jobs finish), then the rest. */
  async closeAll(): Promise<void> {
    const handles = [...this.handles.values()];
    this.handles.clear();
    await Promise.all(handles.filter((h) => h.processing).map((h) => this.track(h.queue.close())));
    await Promise.all(handles.filter((h) => !h.processing).map((h) => this.track(h.queue.close())));
    await Promise.all([...this.closing]);
    for (const handle of handles) handle.settle();
  }
}
