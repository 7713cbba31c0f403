import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Redis } from 'ioredis';
import { readAudit } from '../../src/state/audit.js';
import { applyFlagChange, readState } from '../../src/state/flag-store.js';
import { stateKeys } from '../../src/state/keys.js';
import { acquireLock } from '../../src/state/lock.js';
import { uniqueNamespace } from '../support/cli.js';
import { waitFor } from '../support/wait.js';

let client: Redis;
let listener: Redis;

beforeAll(async () => {
  client = new Redis(inject('redisUrl'), { protocol: 2 });
  listener = new Redis(inject('redisUrl'), { protocol: 2 });
});
afterAll(async () => {
  await Promise.all([client.quit(), listener.quit()]);
});

const input = { actor: 'alice@ops', command: 'phase2 --tier medium', kind: 'flip' as const };

describe('applyFlagChange', () => {
  it('writes state, version, audit entry and publishes the full state in one step', async () => {
    const keys = stateKeys(uniqueNamespace());
    const published = new Promise<Record<string, string>>((resolve) => {
      listener.once('message', (_channel, message: string) => resolve(JSON.parse(message)));
    });
    await listener.subscribe(keys.changes);
    const result = await applyFlagChange(client, keys, { ...input, changes: { useBullmq: 'true', 'tier:medium': 'bullmq' }, reason: 'planned' });
    await listener.unsubscribe(keys.changes);

    expect(result).toMatchObject({
      changed: true,
      version: 1,
      before: { useBullmq: 'false', 'tier:medium': 'legacy' },
      after: { useBullmq: 'true', 'tier:medium': 'bullmq' },
    });
    const { state, hash } = await readState(client, keys);
    expect(state).toMatchObject({ version: 1, useBullmq: true, updatedBy: 'alice@ops' });
    expect(state.tiers.medium).toMatchObject({ state: 'bullmq', since: result.time });
    expect(state.epoch).toMatch(/^[0-9a-f-]{36}$/);
    expect(await published).toEqual(hash);
    const [entry] = await readAudit(client, keys, 10);
    expect(entry).toMatchObject({
      kind: 'flip',
      actor: 'alice@ops',
      command: 'phase2 --tier medium',
      reason: 'planned',
      version: 1,
      after: { useBullmq: 'true' },
    });
  });

  it('is idempotent: the same change again bumps nothing and audits nothing', async () => {
    const keys = stateKeys(uniqueNamespace());
    await applyFlagChange(client, keys, { ...input, changes: { useBullmq: 'true' } });
    const again = await applyFlagChange(client, keys, { ...input, changes: { useBullmq: 'true' } });
    expect(again).toMatchObject({ changed: false, version: 1, before: {}, after: {} });
    expect(await client.xlen(keys.audit)).toBe(1);
  });

  it('refuses to write when the lock token does not match, and changes nothing', async () => {
    const keys = stateKeys(uniqueNamespace());
    const lock = await acquireLock(client, keys, { owner: 'bob', command: 'phase2', host: 'h', ttlMs: 10_000 });
    await expect(applyFlagChange(client, keys, { ...input, changes: { useBullmq: 'true' }, lockToken: 'not-the-token' })).rejects.toMatchObject({
      code: 'lock.lost',
      exitCode: 5,
    });
    expect(await client.exists(keys.state)).toBe(0);
    const ok = await applyFlagChange(client, keys, { ...input, changes: { useBullmq: 'true' }, lockToken: lock.info.token });
    expect(ok.changed).toBe(true);
    await lock.release();
  });

  it('keeps versions strictly increasing and one audit entry per change under concurrent writers', async () => {
    const keys = stateKeys(uniqueNamespace());
    const writers = Array.from({ length: 40 }, (_, i) => applyFlagChange(client, keys, { ...input, changes: { useBullmq: i % 2 === 0 ? 'true' : 'false' } }));
    const results = await Promise.all(writers);
    const versions = results
      .filter((r) => r.changed)
      .map((r) => r.version)
      .sort((a, b) => a - b);
    expect(versions).toEqual(Array.from({ length: versions.length }, (_, i) => i + 1));
    expect(await client.xlen(keys.audit)).toBe(versions.length);
    const audit = await readAudit(client, keys, 100);
    expect(audit.map((entry) => entry.version)).toEqual(versions);
  });
});

describe('migration lock', () => {
  it('a second holder gets exit 5 with who holds it; release frees it', async () => {
    const keys = stateKeys(uniqueNamespace());
    const first = await acquireLock(client, keys, { owner: 'alice@ops', command: 'phase2 --tier medium', host: 'box1', ttlMs: 10_000 });
    await expect(acquireLock(client, keys, { owner: 'bob', command: 'phase1', host: 'box2', ttlMs: 10_000 })).rejects.toMatchObject({
      exitCode: 5,
      message: expect.stringContaining('alice@ops (phase2 --tier medium'),
    });
    await first.release();
    const second = await acquireLock(client, keys, { owner: 'bob', command: 'phase1', host: 'box2', ttlMs: 10_000 });
    await second.release();
  });

  it('is renewed while held, and expires by itself when its holder stops renewing', async () => {
    const keys = stateKeys(uniqueNamespace());
    const held = await acquireLock(client, keys, { owner: 'alice', command: 'phase1', host: 'h', ttlMs: 600 });
    // Renewed: its time to live goes back up (twice, every TTL/3) instead of running out.
    let last = Number(await client.pttl(keys.lock));
    let renewals = 0;
    await waitFor(
      async () => {
        const ttl = Number(await client.pttl(keys.lock));
        if (ttl > last) renewals++;
        last = ttl;
        return renewals >= 2;
      },
      { intervalMs: 10, what: 'two renewals of the lock' },
    );
    expect(held.lost).toBe(false);
    expect(await client.exists(keys.lock)).toBe(1);
    // Simulate a killed holder: a lock nobody renews.
    await held.release();
    await client.set(keys.lock, JSON.stringify({ owner: 'ghost', command: 'phase2', host: 'h', pid: 1, since: 0, token: 'x' }), 'PX', 200);
    await expect(acquireLock(client, keys, { owner: 'bob', command: 'phase1', host: 'h', ttlMs: 1000 })).rejects.toMatchObject({ exitCode: 5 });
    await waitFor(async () => (await client.exists(keys.lock)) === 0, { what: 'the unrenewed lock to expire' });
    const after = await acquireLock(client, keys, { owner: 'bob', command: 'phase1', host: 'h', ttlMs: 1000 });
    await after.release();
  });
});
