import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Redis } from 'ioredis';
import { connectFlags } from '../../src/flags/index.js';
import { stateKeys } from '../../src/state/keys.js';
import { uniqueNamespace } from '../support/cli.js';
import { waitFor } from '../support/wait.js';

let admin: Redis;
beforeAll(() => {
  admin = new Redis(inject('redisUrl'), { protocol: 2 });
});
afterAll(async () => {
  await admin.quit();
});

describe('flags SDK and a tier only Redis knows', () => {
  it("never puts that tier's queues on BullMQ, keeps working, and warns once", async () => {
    const namespace = uniqueNamespace('sdk-unknown');
    const keys = stateKeys(namespace);
    // Written straight into Redis: a tier the app's mapping does not have claims a critical queue.
    await admin.hset(keys.state, {
      epoch: 'e1',
      version: '3',
      useBullmq: 'true',
      'tier:evil': 'bullmq',
      'tier:evil:queues': 'token-refresh',
      'tier:non-critical': 'bullmq',
    });
    const flags = await connectFlags({ app: 'test-app', redisUrl: inject('redisUrl'), namespace, env: {} });
    try {
      const warnings: string[] = [];
      flags.on('warning', (message) => warnings.push(message));
      expect(flags.version).toBe(3);
      expect(flags.useBullMQ('token-refresh')).toBe(false);
      expect(flags.useBullMQ('webhook-health-check')).toBe(true); // the known tier still applies
      expect(flags.snapshot.bullmqTiers).toEqual(['non-critical']);
      await waitFor(() => warnings.length === 1, { what: 'the warning about tier "evil"' });
      expect(warnings[0]).toContain('"evil"');

      // A published change carrying the same unknown tier: applied, no second warning, still ignored.
      const next = { epoch: 'e1', version: '4', useBullmq: 'true', 'tier:evil': 'bullmq', 'tier:evil:queues': 'token-refresh' };
      await admin.publish(keys.changes, JSON.stringify(next));
      await waitFor(() => flags.version === 4, { what: 'version 4 applied' });
      expect(flags.useBullMQ('token-refresh')).toBe(false);
      expect(warnings).toHaveLength(1);
    } finally {
      await flags.close();
    }
  });
});
