/** State written straight into Redis, with no audit entry to explain it, is drift: status exits 4. */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Redis } from 'ioredis';
import { stateKeys } from '../../src/state/keys.js';
import { runCli, uniqueNamespace } from '../support/cli.js';

let admin: Redis;
beforeAll(() => {
  admin = new Redis(inject('redisUrl'), { protocol: 2 });
});
afterAll(async () => {
  await admin.quit();
});

function cli(namespace: string, args: string[]) {
  return runCli([...args, '--json', '--namespace', namespace], { env: { REDIS_URL: inject('redisUrl') } });
}

async function driftAfter(write: (keys: ReturnType<typeof stateKeys>) => Promise<unknown>, flip = true) {
  const ns = uniqueNamespace('drift');
  const keys = stateKeys(ns);
  if (flip) expect((await cli(ns, ['phase2', '--tier', 'non-critical', '--yes'])).exitCode).toBe(0);
  expect((await cli(ns, ['status'])).result().drift.ok).toBe(true);
  await write(keys);
  const status = await cli(ns, ['status']);
  return {
    status,
    messages: status
      .result()
      .drift.findings.map((finding: { message: string }) => finding.message)
      .join('; '),
  };
}

describe.concurrent('unexplained state is drift', () => {
  it('a tier set by HSET, with no audit entry', async () => {
    const { status, messages } = await driftAfter((keys) => admin.hset(keys.state, 'tier:critical', 'bullmq'));
    expect(status.exitCode).toBe(4);
    expect(status.result().drift).toMatchObject({ ok: false, wiped: false });
    expect(messages).toContain('tier:critical is "bullmq" but no audit entry set it');
  });

  it('useHttpRedis set by HSET, with no audit entry', async () => {
    const { status, messages } = await driftAfter((keys) => admin.hset(keys.state, 'useHttpRedis', 'true'));
    expect(status.exitCode).toBe(4);
    expect(messages).toContain('useHttpRedis is "true" but no audit entry set it');
  });

  it('a soak clock moved back (it would open the next gate early)', async () => {
    const { status, messages } = await driftAfter((keys) => admin.hset(keys.state, 'tier:non-critical:since', '0'));
    expect(status.exitCode).toBe(4);
    expect(messages).toMatch(/tier:non-critical:since is "0" but version 1 changed tier:non-critical at \d+/);
  });

  it('a field set on a namespace that was never changed, and flags.drift fails too', async () => {
    const ns = uniqueNamespace('drift');
    await admin.hset(stateKeys(ns).state, 'useBullmq', 'true');
    const status = await cli(ns, ['status']);
    expect(status.exitCode).toBe(4);
    expect(status.result().drift).toMatchObject({ ok: false, wiped: false });
    const preflight = await cli(ns, ['preflight', '--phase', '2']);
    expect(preflight.result().checks.find((check: { id: string }) => check.id === 'flags.drift')).toMatchObject({ status: 'fail' });
  });

  it('every change made by the tool, over several versions, is explained', async () => {
    const ns = uniqueNamespace('drift');
    await cli(ns, ['phase2', '--tier', 'non-critical', '--yes']);
    await cli(ns, ['phase2', '--tier', 'medium', '--yes', '--force', '--reason', 'test']);
    await cli(ns, ['rollback', '--tier', 'medium', '--yes']);
    await cli(ns, ['rollback', '--yes']);
    const status = await cli(ns, ['status']);
    expect(status.exitCode, status.stdout).toBe(0);
  });
});
