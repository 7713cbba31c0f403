/** `phase3 cleanup` interrupted: Ctrl-C, kill -9 and an on-call rollback mid-cleanup, then a resumed run. */
import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { execa } from 'execa';
import { BIN } from '../support/cli.js';
import type { RedisServer } from '../support/redis-server.js';
import { fillWithBull } from '../support/queue-fixtures.js';
import { waitFor } from '../support/wait.js';
import { stateKeys } from '../../src/state/keys.js';
import { MIGRATED, NS, usePhase3Keyspace } from '../support/phase3-keyspace.js';

const world = usePhase3Keyspace();
const { cli, migrationReady } = world;
let server: RedisServer;
let admin: Redis;
let dir: string;
let config: string;
beforeAll(() => {
  ({ server, admin, dir, config } = world);
});

describe('phase3 cleanup interrupted', () => {
  const BULK = 30_000;

  async function fillBulk(): Promise<void> {
    for (let start = 0; start < BULK; start += 5000) {
      const pipeline = admin.pipeline();
      for (let i = start; i < start + 5000; i++) pipeline.hset(`bull:sync:${i + 1000}`, 'name', '__default__', 'data', '{}');
      await pipeline.exec();
    }
  }

  async function progressKeys(): Promise<number> {
    const tally = await admin.hget(stateKeys(NS).cleanup, 'tally');
    return tally ? (JSON.parse(tally) as { keys: number }).keys : 0;
  }

  function start(args: string[]) {
    return execa('node', [BIN, 'phase3', 'cleanup', '--yes', '--json', '--config', config, ...args], {
      reject: false,
      env: { NO_COLOR: '1', REDIS_URL: server.url, REDIS_MIGRATE_NAMESPACE: '' },
      stdin: 'ignore',
      timeout: 60_000,
    });
  }

  it('Ctrl-C stops at a batch boundary, kill -9 too; a re-run resumes and the backup has every key', async () => {
    await fillWithBull({ port: server.port, queue: 'sync' });
    await fillBulk();
    await migrationReady();
    const legacy = (await admin.keys('bull:sync:*')).length;
    const backup = join(dir, 'backup-resume.ndjson');

    const first = start(['--rate', '3000', '--batch', '500', '--backup', backup]);
    await waitFor(async () => (await progressKeys()) >= 2000, { timeoutMs: 20_000, what: 'the cleanup to make progress' });
    first.kill('SIGINT');
    const interrupted = await first;
    expect(interrupted.exitCode).toBe(130);
    expect(JSON.parse(String(interrupted.stdout)).error).toMatchObject({ code: 'aborted' });
    const afterCtrlC = (await admin.keys('bull:sync:*')).length;
    expect(afterCtrlC).toBeGreaterThan(0);
    expect(afterCtrlC).toBeLessThan(legacy);
    expect(await admin.hget(stateKeys(NS).cleanup, 'status')).toBe('running');
    expect(await admin.exists(stateKeys(NS).lock)).toBe(0); // released on the way out

    // Resuming needs the same backup file (its first part holds keys already deleted).
    expect((await cli(['phase3', 'cleanup', '--yes', '--json'])).exitCode).toBe(2);

    const second = start(['--rate', '3000', '--batch', '500', '--backup', backup]);
    const before = await progressKeys();
    await waitFor(async () => (await progressKeys()) >= before + 2000, { timeoutMs: 20_000, what: 'the resumed cleanup to make progress' });
    second.kill('SIGKILL');
    await second;
    const held = await cli(['phase3', 'cleanup', '--yes', '--backup', backup, '--json']);
    expect(held.exitCode).toBe(5); // the killed run's lock, until its 2s TTL passes
    await waitFor(async () => (await admin.exists(stateKeys(NS).lock)) === 0, { what: 'the dead lock to expire' });

    const last = await cli(['phase3', 'cleanup', '--yes', '--backup', backup, '--json']);
    expect(last.exitCode).toBe(0);
    const report = last.result();
    expect(report.run.resumed).toBe(true);
    // Counts carry across the three runs; kill -9 can lose the bookkeeping of the one batch in
    // flight (deleted, not yet counted), never a key: the keyspace and the backup are exact.
    expect(report.keys.total).toBeLessThanOrEqual(legacy);
    expect(report.keys.total).toBeGreaterThan(legacy - 2 * 500);
    expect(await admin.keys('bull:sync:*')).toEqual([]);
    expect(await admin.hget(stateKeys(NS).cleanup, 'status')).toBe('done');
    const events = (await cli(['audit', '--limit', '50', '--json']))
      .result()
      .entries.filter((e: { kind: string }) => e.kind === 'cleanup')
      .map((e: { details: { event: string } }) => e.details.event);
    expect(events).toEqual(['started', 'interrupted', 'resumed', 'resumed', 'finished']);

    // Every deleted key is in the backup (a key dumped twice restores once).
    const restored = await cli(['phase3', 'restore', backup, '--yes', '--json']);
    expect(restored.stdout).toContain('"verified"');
    expect(restored.exitCode).toBe(0);
    const doc = restored.result();
    expect(doc.restored).toBe(legacy);
    expect(doc.conflicts.count).toBe(0);
    expect((await admin.keys('bull:sync:*')).length).toBe(legacy);
  }, 120_000);

  it('stops when an on-call rollback lands mid-cleanup', async () => {
    await fillBulk();
    await migrationReady();
    const running = start(['--rate', '3000', '--batch', '500']);
    await waitFor(async () => (await progressKeys()) >= 1000, { timeoutMs: 20_000, what: 'the cleanup to make progress' });
    expect((await cli(['rollback', '--yes', '--wait', '0', '--json'])).exitCode).toBe(0);
    const stopped = await running;
    expect(stopped.exitCode).toBe(3);
    expect(JSON.parse(String(stopped.stdout)).error).toMatchObject({ code: 'cleanup.state-changed', details: { lost: MIGRATED } });
    expect((await admin.keys('bull:sync:*')).length).toBeGreaterThan(1000);
  }, 120_000);
});
