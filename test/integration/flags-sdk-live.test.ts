/** The flags SDK follows the store live, whether it opens its own connections or shares the app's. */
import { Redis } from 'ioredis';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { connectFlags, type FlagChangeEvent, type FlagsClient } from '../../src/flags/index.js';
import { applyFlagChange } from '../../src/state/flag-store.js';
import { stateKeys } from '../../src/state/keys.js';
import { uniqueNamespace } from '../support/cli.js';

const url = inject('redisUrl');
const open: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((item) => item.close()));
});

function nextChange(flags: FlagsClient): Promise<FlagChangeEvent> {
  return new Promise((resolve) => flags.once('change', resolve));
}

describe.each([
  ['its own connections', false],
  ['a shared app connection', true],
])('flags SDK on %s', (_label, share) => {
  it('reads the store at start without waiting for the timeout, then applies a flip live', async () => {
    const namespace = uniqueNamespace('sdk');
    const keys = stateKeys(namespace);
    const admin = new Redis(url, { lazyConnect: true });
    await admin.connect();
    open.push({ close: () => admin.quit() });
    const shared = share ? new Redis(url, { maxRetriesPerRequest: null }) : undefined;
    if (shared) open.push({ close: () => shared.quit() });

    const started = Date.now();
    const flags = await connectFlags({
      app: 'live-test',
      namespace,
      connectTimeoutMs: 10_000,
      ...(shared ? { redis: shared, redisUrl: url } : { redisUrl: url }),
    });
    open.unshift(flags);
    // Resolving before the timeout proves the first read happened (the bug: it never did, and no subscription was made).
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await admin.pubsub('NUMSUB', keys.changes)).toEqual([keys.changes, 1]);

    const changed = nextChange(flags);
    await applyFlagChange(admin, keys, {
      changes: { useBullmq: 'true', 'tier:non-critical': 'bullmq', 'tier:non-critical:queues': 'webhook-health-check' },
      actor: 'test',
      command: 'test flip',
      kind: 'flip',
    });
    const event = await changed;
    expect(event.version).toBe(1);
    expect(flags.useBullMQ('webhook-health-check')).toBe(true);
    expect(flags.useBullMQ('calendar-sync')).toBe(false);
  });
});
