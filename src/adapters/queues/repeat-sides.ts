/**
 * A repeatable as each side stores it, behind one narrow port, so the hand-over reads the same in
 * both directions. Bull: a repeat key in `<prefix>:<queue>:repeat` and a delayed job per tick.
 * BullMQ: a job scheduler with the same pattern.
 */
import type { Redis } from 'ioredis';
import type { BullSide, BullQueue } from './bull-side.js';
import type { BullmqSide } from './bullmq-side.js';
import { toBullJobOptions, toBullmqJobOptions } from './job-options.js';
import {
  bullmqJobName,
  bullmqQueueOf,
  bullmqRepeatJobId,
  bullRepeatJobId,
  bullRepeatJobIdPrefix,
  bullRepeatKey,
  compensationJobId,
  schedulerId,
  type RepeatSpec,
  type Topology,
} from './naming.js';
import { toBullmqRepeat, toBullRepeat } from './repeat-options.js';

export interface RepeatSide {
  /** The tick the side has scheduled next (ms), or null when the repeatable is not there. */
  next(spec: RepeatSpec): Promise<number | null>;
  /** Remove the repeatable and its next tick if that tick is still delayed. */
  remove(spec: RepeatSpec): Promise<void>;
  /** Whether the job of a tick exists (it was due, so removal left it to run here). */
  tickExists(spec: RepeatSpec, millis: number): Promise<boolean>;
  /** Create the repeatable; its first tick is the next time the pattern matches. */
  create(spec: RepeatSpec): Promise<void>;
  /** One job standing for a tick that would otherwise be lost in the hand-over. */
  addTick(spec: RepeatSpec, millis: number): Promise<void>;
  /** Remove older schedules under the same name (the pattern changed), or all of them with `all`. */
  removeOthers(spec: RepeatSpec, all: boolean): Promise<void>;
  /** Keep what the side needs open for a whole move; resolves with the release. */
  hold?(spec: RepeatSpec): Promise<() => Promise<void>>;
  /** A side that schedules the next tick outside one atomic step: whether a worker has just picked up a tick and may still do so. */
  pickingUp?(spec: RepeatSpec): Promise<boolean>;
  /** Ticks still scheduled (delayed) on the side after the repeatable was removed there. */
  leftTicks?(spec: RepeatSpec): Promise<number[]>;
  /** Remove one tick's job if it is still delayed. */
  removeTick?(spec: RepeatSpec, millis: number): Promise<void>;
}

/** How recent a pick-up counts as possibly still scheduling its successor (Bull does it right after moving the job to active). */
const PICKUP_WINDOW_MS = 5000;

/**
 * Reads go straight to the keys over the shared connection (no Bull queue object, so a pass that
 * finds nothing to move opens no connection); changes go through Bull itself.
 */
export function bullRepeatSide(bull: BullSide, prefix: string, reader: Redis): RepeatSide {
  // Hold the queue only for the call: placing a repeatable must not keep a legacy queue open.
  async function withQueue<T>(spec: RepeatSpec, fn: (queue: BullQueue) => Promise<T>): Promise<T> {
    const queue = await bull.open(spec.queue, 'schedule');
    try {
      await queue.isReady();
      return await fn(queue);
    } finally {
      await bull.release(spec.queue, 'schedule');
    }
  }
  const key = (spec: RepeatSpec, suffix: string) => `${prefix}:${spec.queue}:${suffix}`;
  return {
    async next(spec) {
      const score = await reader.zscore(key(spec, 'repeat'), bullRepeatKey(spec));
      return score === null ? null : Number(score);
    },
    remove: (spec) => withQueue(spec, (queue) => queue.removeRepeatableByKey(bullRepeatKey(spec))),
    tickExists: async (spec, millis) => (await reader.exists(key(spec, bullRepeatJobId(spec, millis)))) === 1,
    create: (spec) =>
      withQueue(spec, async (queue) => {
        await queue.add(spec.name, spec.data, { ...toBullJobOptions(spec.opts), repeat: toBullRepeat(spec.schedule) });
      }),
    addTick: (spec, millis) =>
      withQueue(spec, async (queue) => {
        await queue.add(spec.name, spec.data, { ...toBullJobOptions(spec.opts), jobId: compensationJobId(spec, millis) });
      }),
    async hold(spec) {
      await bull.open(spec.queue, 'schedule');
      return () => bull.release(spec.queue, 'schedule');
    },
    async leftTicks(spec) {
      const ticks = bullRepeatJobIdPrefix(spec);
      const found: number[] = [];
      let cursor = '0';
      do {
        const [next, members] = await reader.zscan(key(spec, 'delayed'), cursor, 'MATCH', `${ticks}*`, 'COUNT', 1000);
        cursor = next;
        for (let i = 0; i < members.length; i += 2) found.push(Number((members[i] as string).slice(ticks.length)));
      } while (cursor !== '0');
      return found.filter((tick) => Number.isFinite(tick));
    },
    removeTick: (spec, millis) =>
      withQueue(spec, async (queue) => {
        const job = await queue.getJob(bullRepeatJobId(spec, millis));
        if (job && (await job.isDelayed())) await job.remove();
      }),
    async pickingUp(spec) {
      const ticks = bullRepeatJobIdPrefix(spec);
      const active = (await reader.lrange(key(spec, 'active'), 0, -1)).filter((id) => id.startsWith(ticks));
      if (active.length === 0) return false;
      const processedOn = await Promise.all(active.map((id) => reader.hget(key(spec, id), 'processedOn')));
      return processedOn.some((at) => at !== null && Date.now() - Number(at) < PICKUP_WINDOW_MS);
    },
    async removeOthers(spec, all) {
      // Bull's own key parsing takes the name up to the first ":"; a name with one cannot be told apart.
      if (spec.name.includes(':')) return;
      const keys = (await reader.zrange(key(spec, 'repeat'), '0', '-1')).filter(
        (member) => member.split(':')[0] === spec.name && (all || member !== bullRepeatKey(spec)),
      );
      if (keys.length) await withQueue(spec, async (queue) => void (await Promise.all(keys.map((member) => queue.removeRepeatableByKey(member)))));
    },
  };
}

export function bullmqRepeatSide(bullmq: BullmqSide, topology: Topology): RepeatSide {
  const queueOf = async (spec: RepeatSpec) => {
    await bullmq.load();
    return bullmq.queue(bullmqQueueOf(topology, spec.queue));
  };
  return {
    async next(spec) {
      const scheduler = await (await queueOf(spec)).getJobScheduler(schedulerId(topology, spec));
      return scheduler?.next ?? null;
    },
    async remove(spec) {
      await (await queueOf(spec)).removeJobScheduler(schedulerId(topology, spec));
    },
    async tickExists(spec, millis) {
      return (await (await queueOf(spec)).getJob(bullmqRepeatJobId(schedulerId(topology, spec), millis))) !== undefined;
    },
    async create(spec) {
      const template = { name: bullmqJobName(topology, spec.queue, spec.name), data: spec.data, opts: toBullmqJobOptions(spec.opts) };
      await (await queueOf(spec)).upsertJobScheduler(schedulerId(topology, spec), toBullmqRepeat(spec.schedule), template);
    },
    async addTick(spec, millis) {
      await (await queueOf(spec)).add(bullmqJobName(topology, spec.queue, spec.name), spec.data, {
        ...toBullmqJobOptions(spec.opts),
        jobId: compensationJobId(spec, millis),
      });
    },
    async removeOthers(spec, all) {
      // A job scheduler is replaced by its id: only removal leaves something to do.
      if (all) await (await queueOf(spec)).removeJobScheduler(schedulerId(topology, spec));
    },
  };
}
