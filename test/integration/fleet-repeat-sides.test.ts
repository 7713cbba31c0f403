/** The fleet's view of repeatables matches what Bull 4 and BullMQ 6 really write, and a move keeps the tick. */
import Bull from 'bull';
import * as bullmqLib from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { BullSide } from '../../examples/fleet/bull-side.js';
import { BullmqSide } from '../../examples/fleet/bullmq-side.js';
import { bullRepeatJobId, bullRepeatKey, type RepeatSpec } from '../../examples/fleet/catalog.js';
import { bullmqRepeatSide, bullRepeatSide } from '../../examples/fleet/repeat-sides.js';
import { RepeatScheduler } from '../../examples/fleet/repeatables.js';
import type { FlagsClient } from '../../src/flags/client.js';
import { uniqueNamespace } from '../support/cli.js';

const url = inject('redisUrl');
const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

describe('repeatables on real Bull and BullMQ', () => {
  it('finds the Bull repeat and its tick job, and moves it to a BullMQ scheduler and back on the same tick', async () => {
    const id = uniqueNamespace('rep');
    const prefixes = { bull: `bull-${id}`, bullmq: `bullmq-${id}` };
    const shared = new Redis(url, { maxRetriesPerRequest: null });
    const admin = new Redis(url);
    closers.push(() => shared.quit(), () => admin.quit());
    const worker = { concurrency: 1, lockDurationMs: 30_000, stalledIntervalMs: 30_000 };
    const handler = async () => undefined;
    const bull = new BullSide(Bull, { redisUrl: url, process: 'test', prefix: prefixes.bull, worker, handler, warn: () => undefined });
    const bullmq = new BullmqSide(bullmqLib, shared, { prefix: prefixes.bullmq, worker, handler, warn: () => undefined });
    closers.push(() => bull.closeAll(), () => bullmq.closeQueues());
    const sides = { bull: bullRepeatSide(bull, prefixes.bull, shared), bullmq: bullmqRepeatSide(bullmq, 'per-queue') };
    // Hourly: no tick fires during the test.
    const spec: RepeatSpec = { queue: 'token-refresh', cron: '0 0 * * * *' };

    await sides.bull.create(spec);
    const due = await sides.bull.next(spec);
    expect(due).not.toBeNull();
    expect(await admin.zscore(`${prefixes.bull}:token-refresh:repeat`, bullRepeatKey(spec))).toBe(String(due));
    expect(await admin.zscore(`${prefixes.bull}:token-refresh:delayed`, bullRepeatJobId(spec, due!))).not.toBeNull();
    expect(await sides.bull.tickExists(spec, due!)).toBe(true);

    let onBullmq = true;
    const flags = { useBullMQ: () => onBullmq } as unknown as FlagsClient;
    const scheduler = new RepeatScheduler([spec], sides, flags, () => undefined);
    closers.push(() => scheduler.stop());
    await scheduler.reconcile();
    expect(await admin.zcard(`${prefixes.bull}:token-refresh:repeat`)).toBe(0);
    expect(await admin.zcard(`${prefixes.bull}:token-refresh:delayed`)).toBe(0);
    expect(await sides.bullmq.next(spec)).toBe(due);
    expect(await admin.zscore(`${prefixes.bullmq}:token-refresh:delayed`, `repeat:tick-token-refresh:${due}`)).not.toBeNull();

    onBullmq = false;
    await scheduler.reconcile();
    expect(await sides.bullmq.next(spec)).toBeNull();
    expect(await admin.zcard(`${prefixes.bullmq}:token-refresh:delayed`)).toBe(0);
    expect(await sides.bull.next(spec)).toBe(due);

    await sides.bull.remove(spec);
    for (const prefix of Object.values(prefixes)) {
      const keys = await admin.keys(`${prefix}:*`);
      if (keys.length) await admin.del(...keys);
    }
  });
});
