/** `phase3 cleanup` on a keyspace like production at phase 3 (see test/support/phase3-keyspace.ts). */
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { runCli } from '../support/cli.js';
import { tempDir, writePlan } from '../support/plan-files.js';
import type { RedisServer } from '../support/redis-server.js';
import { connectBullWorker, fillWithBull, fillWithBullmq, keyspace } from '../support/queue-fixtures.js';
import { backdateHistory } from '../support/history.js';
import { waitFor } from '../support/wait.js';
import { stateKeys } from '../../src/state/keys.js';
import { APP_KEYS, MIGRATED, NS, SOAK, usePhase3Keyspace } from '../support/phase3-keyspace.js';

const world = usePhase3Keyspace();
const { cli, plantAppKeys, flipFirstTier, migrationReady } = world;
let server: RedisServer;
let admin: Redis;
let dir: string;
beforeAll(() => {
  ({ server, admin, dir } = world);
});

describe('phase3 cleanup on a mixed keyspace', () => {
  it('deletes exactly the legacy keys of migrated queues, with a backup that restores them', async () => {
    for (const queue of MIGRATED) await fillWithBull({ port: server.port, queue, backlog: queue === 'sync', stuckActive: queue === 'calendar-sync' });
    await fillWithBull({ port: server.port, queue: 'sync-v2', backlog: true });
    await fillWithBullmq(server.port, 'bullmq', MIGRATED);
    await plantAppKeys();
    await migrationReady();
    const before = await keyspace(admin);
    const bullmqBefore = [...before.keys()].filter((key) => key.startsWith('bullmq:'));
    expect(bullmqBefore).toEqual(
      expect.arrayContaining([
        'bullmq:sync:marker',
        'bullmq:sync:events',
        'bullmq:sync:meta',
        'bullmq:sync:prioritized',
        'bullmq:sync:pc',
        'bullmq:sync:repeat:hourly',
      ]),
    );

    // Dry run (no --yes): counts, memory, blockers; deletes nothing.
    const dry = await cli(['phase3', 'cleanup', '--json']);
    expect(dry.exitCode).toBe(3);
    expect(dry.json().ok).toBe(false);
    const preview = dry.result();
    expect(preview).toMatchObject({ mode: 'dry-run', blocked: true, targets: MIGRATED });
    expect(preview.blockers.find((b: { code: string }) => b.code === 'legacy-backlog').counts).toEqual({ waiting: 1, active: 1, delayed: 2 });
    expect(preview.memory.estimatedBytes).toBeGreaterThan(0);
    expect(preview.kept.notTargeted['sync-v2']).toBeGreaterThan(0);
    expect((await keyspace(admin)).size).toBe(before.size);

    // --yes without --force: refused with the numbers, nothing deleted.
    const refused = await cli(['phase3', 'cleanup', '--yes', '--json']);
    expect(refused.exitCode).toBe(3);
    expect(refused.result().blockers.map((b: { code: string }) => b.code)).toEqual(['legacy-backlog']);
    expect((await keyspace(admin)).size).toBe(before.size);
    expect((await cli(['phase3', 'cleanup', '--yes', '--force', '--json'])).exitCode).toBe(2); // --force needs --reason

    const backup = join(dir, 'backup-1.ndjson');
    const run = await cli(['phase3', 'cleanup', '--yes', '--force', '--reason', 'drained by hand', '--backup', backup, '--json']);
    expect(run.exitCode).toBe(0);
    const report = run.result();
    const after = await keyspace(admin);

    const planted = new Set(APP_KEYS.map(([key]) => key));
    const expected = [...before.keys()].filter((key) => /^bull:(sync|calendar-sync):/.test(key) && !planted.has(key)).sort();
    const deleted = [...before.keys()].filter((key) => !after.has(key)).sort();
    expect(deleted).toEqual(expected);
    expect(report.keys.total).toBe(expected.length);
    // Nothing appeared but the cleanup's own progress record.
    expect([...after.keys()].filter((key) => !before.has(key))).toEqual([stateKeys(NS).cleanup]);
    // Every kind Bull wrote was recognised (nothing under a migrated queue left as "unknown").
    expect(Object.keys(report.keys.byKind).sort()).toEqual(
      expect.arrayContaining([
        'active',
        'completed',
        'debounce',
        'delayed',
        'failed',
        'id',
        'job',
        'job-lock',
        'job-logs',
        'metrics',
        'priority',
        'repeat',
        'repeat-job',
        'wait',
      ]),
    );
    expect(report.kept).toMatchObject({ unknownShape: 0, foreign: 0, typeMismatch: 2 });

    // BullMQ, on the same queue names, is untouched and still works.
    const connection = new Redis(server.port, { maxRetriesPerRequest: null });
    const worker = new Worker('sync', async (job) => job.data, { connection, prefix: 'bullmq' });
    const queue = new Queue('sync', { connection, prefix: 'bullmq' });
    try {
      await waitFor(async () => (await queue.getCompletedCount()) >= 3, { what: 'BullMQ to process its prioritized job after the cleanup' });
    } finally {
      await worker.close();
      await queue.close();
      await connection.quit();
    }

    // Audit: counts and the reason, never key names.
    const audit = (await cli(['audit', '--json'])).result();
    const cleanup = audit.entries.filter((entry: { kind: string }) => entry.kind === 'cleanup');
    expect(cleanup.map((entry: { details: { event: string } }) => entry.details.event)).toEqual(['started', 'finished']);
    expect(cleanup[1]).toMatchObject({ reason: 'drained by hand', details: { deleted: expected.length } });
    expect(JSON.stringify(audit)).not.toContain('custom:order-7');

    // Idempotent: a second run finds nothing.
    const again = await cli(['phase3', 'cleanup', '--yes', '--force', '--reason', 'again', '--json']);
    expect(again.exitCode).toBe(0);
    expect(again.result().keys.total).toBe(0);

    // Restore: the deleted keys come back with their values; a second restore changes nothing.
    const lines = readFileSync(backup, 'utf8').trim().split('\n');
    expect(lines.filter((line) => line.startsWith('{"k":'))).toHaveLength(expected.length);
    expect(JSON.parse(lines.at(-1) as string)).toEqual({ end: { records: expected.length, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) } });
    const restored = await cli(['phase3', 'restore', backup, '--yes', '--json']);
    expect(restored.exitCode).toBe(0);
    expect(restored.result()).toMatchObject({ restored: expected.length, conflicts: { count: 0 } });
    const back = await keyspace(admin);
    for (const key of expected) expect(back.get(key)).toBe(before.get(key));
    expect(await admin.hget('bull:sync:custom:order-7', 'data')).toBe('{"n":2}');
    const twice = await cli(['phase3', 'restore', backup, '--yes', '--json']);
    expect(twice.json()).toMatchObject({ ok: true, result: { restored: 0, identical: expected.length } });

    // A key changed since: a conflict (exit 3, named), left alone unless --replace.
    await admin.hset('bull:sync:custom:order-7', 'data', 'changed');
    const conflict = await cli(['phase3', 'restore', backup, '--yes', '--json']);
    expect(conflict.exitCode).toBe(3);
    expect(conflict.result().conflicts).toEqual({ count: 1, sample: ['bull:sync:custom:order-7'] });
    expect(await admin.hget('bull:sync:custom:order-7', 'data')).toBe('changed');
    expect((await cli(['phase3', 'restore', backup, '--yes', '--replace', '--json'])).exitCode).toBe(0);
    expect(await admin.hget('bull:sync:custom:order-7', 'data')).toBe('{"n":2}');
    expect((await cli(['phase3', 'restore', backup, '--json'])).exitCode).toBe(2); // no --yes, no terminal
  }, 120_000);

  it('without backlog runs unforced; a connected legacy worker blocks it; nothing is eligible before the soak', async () => {
    for (const queue of MIGRATED) await fillWithBull({ port: server.port, queue });
    const early = await cli(['phase3', 'cleanup', '--yes', '--json']);
    expect(early.exitCode).toBe(0);
    expect(early.result()).toMatchObject({ targets: [], keys: { total: 0 } });
    expect(early.result().notes[0]).toContain('nothing to clean');
    // On BullMQ, still soaking: nothing yet either.
    await flipFirstTier();
    const soaking = (await cli(['phase3', 'cleanup', '--yes', '--json'])).result();
    expect(soaking).toMatchObject({ targets: [], keys: { total: 0 } });
    expect(soaking.tiers[0]).toMatchObject({ tier: 'first', reason: expect.stringMatching(/^soaking: \S+ of 24h, \S+ left$/) });

    await backdateHistory(admin, stateKeys(NS), SOAK);
    const worker = await connectBullWorker(server.port, 'calendar-sync');
    try {
      const blocked = await cli(['phase3', 'cleanup', '--yes', '--json']);
      expect(blocked.exitCode).toBe(3);
      expect(blocked.result().blockers).toEqual([expect.objectContaining({ code: 'legacy-worker', counts: { workers: 1 }, queues: ['calendar-sync'] })]);
      const human = await cli(['phase3', 'cleanup', '--yes']);
      expect(human.stdout).toContain('1 legacy worker still connected (calendar-sync');
    } finally {
      await worker.close();
    }
    const run = await cli(['phase3', 'cleanup', '--yes', '--json']);
    expect(run.exitCode).toBe(0);
    expect(run.result().keys.total).toBeGreaterThan(10);
    expect(await admin.keys('bull:sync:*')).toEqual([]);
  }, 120_000);

  it('refuses for good when BullMQ writes under the legacy prefix (same prefix, or stray keys)', async () => {
    await fillWithBull({ port: server.port, queue: 'sync' });
    await fillWithBullmq(server.port, 'bull', ['calendar-sync']); // BullMQ misconfigured onto the legacy prefix
    await migrationReady();
    const run = await cli(['phase3', 'cleanup', '--yes', '--force', '--reason', 'try', '--json']);
    expect(run.exitCode).toBe(3);
    const foreign = run.result().blockers.find((b: { code: string }) => b.code === 'foreign-keys');
    expect(foreign).toMatchObject({ overridable: false, queues: ['calendar-sync'] });
    expect(await admin.exists('bull:sync:id', 'bull:calendar-sync:marker')).toBe(2);

    const shared = writePlan(
      { namespace: NS, legacy: { prefix: 'bull' }, bullmq: { prefix: 'bull' }, tiers: [{ name: 'first', queues: ['sync'], soak: SOAK }] },
      { dir: tempDir() },
    );
    const sharedRun = await runCli(['phase3', 'cleanup', '--yes', '--force', '--reason', 'try', '--json', '--config', shared], {
      env: { REDIS_URL: server.url },
    });
    expect(sharedRun.exitCode).toBe(3);
    expect(sharedRun.result().blockers[0]).toMatchObject({ code: 'shared-prefix', overridable: false });
    expect(await admin.exists('bull:sync:id')).toBe(1);
  }, 120_000);
});
