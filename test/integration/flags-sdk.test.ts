import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { Redis } from 'ioredis';
import { connectFlags, type FlagsClient } from '../../src/flags/index.js';
import { applyFlagChange } from '../../src/state/flag-store.js';
import { readInstances } from '../../src/state/instances.js';
import { stateKeys } from '../../src/state/keys.js';
import { uniqueNamespace } from '../support/cli.js';
import { freePort, startRedis } from '../support/redis-server.js';
import { waitFor } from '../support/wait.js';

const flip = { actor: 'test', command: 'phase2 --tier non-critical', kind: 'flip' as const };
const toBullmq = {
  useBullmq: 'true',
  'tier:non-critical': 'bullmq',
  'tier:non-critical:queues': 'webhook-health-check,notification-reminder,token-health-reminder',
};

let admin: Redis;
const open: FlagsClient[] = [];

beforeAll(() => {
  admin = new Redis(inject('redisUrl'), { protocol: 2 });
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((client) => client.close()));
});
afterAll(async () => {
  await admin.quit();
});

async function sdk(namespace: string, extra: Partial<Parameters<typeof connectFlags>[0]> = {}): Promise<FlagsClient> {
  const client = await connectFlags({ app: 'test-app', redisUrl: inject('redisUrl'), namespace, env: {}, heartbeatMs: 500, ...extra });
  open.push(client);
  return client;
}

describe('flags SDK', () => {
  it('60 instances all apply a flip, acknowledge it, and answer from memory', async () => {
    const namespace = uniqueNamespace();
    const keys = stateKeys(namespace);
    const clients = await Promise.all(Array.from({ length: 60 }, () => sdk(namespace)));
    expect(clients.every((client) => !client.useBullMQ('webhook-health-check'))).toBe(true);

    const changes: number[] = [];
    for (const client of clients) client.on('change', (event) => changes.push(event.version));
    const result = await applyFlagChange(admin, keys, { ...flip, changes: toBullmq });

    await waitFor(() => clients.every((client) => client.version === result.version), { what: 'all 60 instances on the new version' });
    expect(changes).toHaveLength(60);
    expect(clients.every((client) => client.useBullMQ('webhook-health-check') && !client.useBullMQ('calendar-sync'))).toBe(true);
    expect(clients.every((client) => client.source === 'redis')).toBe(true);

    const { instances } = await waitFor(
      async () => {
        const read = await readInstances(admin, keys);
        return read.instances.filter((i) => i.version === result.version).length === 60 ? read : undefined;
      },
      { what: '60 acknowledgements recorded' },
    );
    expect(instances.every((instance) => instance.live && instance.app === 'test-app')).toBe(true);
  });

  it('names its connections so they can be told apart', async () => {
    const namespace = uniqueNamespace();
    const client = await sdk(namespace, { app: 'billing-api' });
    const list = String(await admin.client('LIST'));
    expect(list).toMatch(/name=redis-migrate:sdk:billing-api:[0-9a-f]{6} /);
    expect(list).toMatch(/name=redis-migrate:sdk:billing-api:[0-9a-f]{6}:sub /);
    await client.close();
    const { instances } = await readInstances(admin, stateKeys(namespace));
    expect(instances).toHaveLength(0);
  });

  it('the kill switch USE_BULLMQ=false in its environment wins, and it says so in its acknowledgement', async () => {
    const namespace = uniqueNamespace();
    const keys = stateKeys(namespace);
    const env: Record<string, string> = { USE_BULLMQ: 'false' };
    const pinned = await sdk(namespace, { env });
    const free = await sdk(namespace);
    const result = await applyFlagChange(admin, keys, { ...flip, changes: toBullmq });
    await waitFor(() => pinned.version === result.version && free.version === result.version);
    expect(free.useBullMQ('notification-reminder')).toBe(true);
    expect(pinned.useBullMQ('notification-reminder')).toBe(false);
    env.USE_BULLMQ = 'true';
    expect(pinned.useBullMQ('notification-reminder')).toBe(true);
    env.USE_BULLMQ = 'false';
    const { instances } = await readInstances(admin, keys);
    expect(instances.find((i) => i.id === pinned.id)?.killSwitch).toBe(true);
  });

  it('starts with Redis down: serves the environment, then follows the store once it comes up', async () => {
    const port = await freePort();
    const namespace = uniqueNamespace();
    const started = Date.now();
    const client = await connectFlags({
      app: 'early-bird',
      redisUrl: `redis://127.0.0.1:${port}`,
      namespace,
      env: { USE_BULLMQ: 'true', BULLMQ_TIERS: 'medium' },
      connectTimeoutMs: 500,
      heartbeatMs: 500,
    });
    open.push(client);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(client.source).toBe('env');
    expect(client.useBullMQ('adaptive-sync')).toBe(true);
    expect(client.useBullMQ('webhook-health-check')).toBe(false);

    const server = await startRedis({ port });
    try {
      const direct = server.client();
      await applyFlagChange(direct, stateKeys(namespace), { ...flip, changes: toBullmq });
      await waitFor(() => client.source === 'redis' && client.version === 1, { timeoutMs: 15_000, what: 'the store read after Redis came up' });
      expect(client.useBullMQ('webhook-health-check')).toBe(true);
      expect(client.useBullMQ('adaptive-sync')).toBe(false);
    } finally {
      await client.close();
      await server.stop();
    }
  });

  it('keeps the last known values when Redis goes away, and applies a rebuilt store when it returns', async () => {
    const server = await startRedis();
    const namespace = uniqueNamespace();
    const keys = stateKeys(namespace);
    const direct = server.client();
    await applyFlagChange(direct, keys, { ...flip, changes: toBullmq });
    const client = await connectFlags({ app: 'survivor', redisUrl: server.url, namespace, env: {}, heartbeatMs: 300 });
    open.push(client);
    expect(client.useBullMQ('webhook-health-check')).toBe(true);

    await server.stop();
    await waitFor(() => client.source === 'last-known', { what: 'the client noticing the store is gone' });
    expect(client.useBullMQ('webhook-health-check')).toBe(true);
    expect(client.version).toBe(1);

    // Same port, no persistence: the store comes back empty. Keep the last known values...
    const again = await startRedis({ port: server.port });
    try {
      const fresh = again.client();
      await waitFor(async () => String(await fresh.client('LIST')).includes('name=redis-migrate:sdk:survivor'), { timeoutMs: 15_000, what: 'reconnect' });
      // The client has re-read the empty store: its read ends with the prune of stale instances (ZRANGEBYSCORE).
      await waitFor(async () => /cmdstat_zrangebyscore:calls=[1-9]/.test(String(await fresh.info('commandstats'))), {
        what: 'the client to re-read the store',
      });
      expect(client.useBullMQ('webhook-health-check')).toBe(true);
      expect(client.source).toBe('last-known');
      // ...until the rebuilt store says otherwise (a new epoch, so version 1 counts as newer).
      await applyFlagChange(fresh, keys, { ...flip, kind: 'rollback', changes: { useBullmq: 'false', 'tier:non-critical': 'bullmq' } });
      await waitFor(() => !client.useBullMQ('webhook-health-check'), { what: 'the rollback on the rebuilt store' });
      expect(client.source).toBe('redis');
    } finally {
      await client.close();
      await again.stop();
    }
  });

  it('uses an existing ioredis connection for commands and leaves it open on close', async () => {
    const namespace = uniqueNamespace();
    const mine = new Redis(inject('redisUrl'), { protocol: 2 });
    const client = await connectFlags({ app: 'shared', redis: mine, namespace, env: {} });
    await applyFlagChange(admin, stateKeys(namespace), { ...flip, changes: { useHttpRedis: 'true' } });
    await waitFor(() => client.useHttpRedis());
    await client.close();
    expect(await mine.ping()).toBe('PONG');
    await mine.quit();
  });
});
