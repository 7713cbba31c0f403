/** `phase3 restore` checks the whole file before it writes a key, and refuses what cleanup never wrote. */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Redis } from 'ioredis';
import { encodeEntry, encodeHeader, type BackupEntry, type BackupHeader } from '../../src/cleanup/backup-format.js';
import { backupText } from '../support/backup-files.js';
import { stateKeys } from '../../src/state/keys.js';
import { runCli, uniqueNamespace } from '../support/cli.js';
import { tempDir, writePlan } from '../support/plan-files.js';

let admin: Redis;
let dir: string;
beforeAll(() => {
  admin = new Redis(inject('redisUrl'), { protocol: 2 });
  dir = tempDir('restore');
});
afterAll(async () => {
  await admin.quit();
  rmSync(dir, { recursive: true, force: true });
});

interface Fixture {
  ns: string;
  queue: string;
  config: string;
  legacy: string[];
  /** Entries of legacy keys that were dumped and then deleted, in two batches. */
  batches: BackupEntry[][];
  header: BackupHeader;
}

async function fixture(): Promise<Fixture> {
  const ns = uniqueNamespace('rst');
  const queue = `q-${ns}`;
  const config = writePlan({ namespace: ns, tiers: [{ name: 'only', queues: [queue], soak: '1h' }] }, { dir, name: `${ns}.json` });
  const legacy = [`bull:${queue}:1`, `bull:${queue}:2`, `bull:${queue}:wait`];
  await admin.hset(legacy[0] as string, 'data', '{"n":1}');
  await admin.hset(legacy[1] as string, 'data', '{"n":2}');
  await admin.rpush(legacy[2] as string, '2');
  const entries: BackupEntry[] = [];
  for (const key of legacy) entries.push({ k: key, p: ((await admin.dumpBuffer(key)) as Buffer).toString('base64'), x: 0, q: queue, t: 'job' });
  await admin.del(...legacy);
  const header: BackupHeader = {
    format: 'redis-migrate-backup',
    version: 2,
    createdAt: Date.now(),
    namespace: ns,
    source: 'redis://test',
    legacyPrefix: 'bull',
    queues: [queue],
    run: 'run-x',
  };
  return { ns, queue, config, legacy, batches: [entries.slice(0, 2), entries.slice(2)], header };
}

function restore(f: Fixture, file: string, text: string, extra: string[] = []) {
  writeFileSync(join(dir, file), text);
  return runCli(['phase3', 'restore', join(dir, file), '--yes', '--json', '--config', f.config, ...extra], { env: { REDIS_URL: inject('redisUrl') } });
}

async function restoredKeys(f: Fixture): Promise<number> {
  return Number(await admin.exists(...f.legacy));
}

async function auditEvents(f: Fixture): Promise<{ event: string; code?: string }[]> {
  const rows = (await admin.xrange(stateKeys(f.ns).audit, '-', '+')) as [string, string[]][];
  return rows.map(([, fields]) => JSON.parse(fields[fields.indexOf('details') + 1] as string) as { event: string; code?: string });
}

describe('phase3 restore refuses a backup it cannot trust, whole, and audits the refusal', () => {
  it('a line for a key the cleanup never deletes (the migration state): exit 3, nothing restored', async () => {
    const f = await fixture();
    const state = stateKeys(f.ns).state;
    await admin.hset(`${state}:src`, 'useBullmq', 'true', 'tier:critical', 'bullmq');
    const forged: BackupEntry = { k: state, p: ((await admin.dumpBuffer(`${state}:src`)) as Buffer).toString('base64'), x: 0, q: f.queue, t: 'job' };
    await admin.del(`${state}:src`);
    const run = await restore(f, `${f.ns}-forged.ndjson`, backupText(f.header, [...f.batches, [forged]]));
    expect(run.exitCode).toBe(3);
    expect(run.json().error).toMatchObject({ code: 'backup.out-of-scope', message: expect.stringContaining(`line 7 holds key ${JSON.stringify(state)}`) });
    expect(await restoredKeys(f)).toBe(0);
    expect(await admin.exists(state)).toBe(0);
    expect(await auditEvents(f)).toEqual([expect.objectContaining({ event: 'refused', code: 'backup.out-of-scope' })]);
  });

  it('a corrupted payload: exit 3 "damaged" with the line, nothing restored, audited', async () => {
    const f = await fixture();
    const text = backupText(f.header, f.batches);
    const payload = f.batches[1]?.[0]?.p as string;
    const run = await restore(f, `${f.ns}-corrupt.ndjson`, text.replace(payload, `${payload.slice(0, 8)}${payload[8] === 'A' ? 'B' : 'A'}${payload.slice(9)}`));
    expect(run.exitCode).toBe(3);
    expect(run.json().error).toMatchObject({ code: 'backup.damaged', message: expect.stringContaining('damaged at line 6') });
    expect(run.stderr).not.toContain('bug');
    expect(await restoredKeys(f)).toBe(0);
    expect(await auditEvents(f)).toEqual([expect.objectContaining({ event: 'refused', code: 'backup.damaged' })]);
  });

  it('a truncated file: exit 3 "incomplete"; --allow-unverified restores only its verified part', async () => {
    const f = await fixture();
    const full = backupText(f.header, f.batches);
    const cut = full.slice(0, full.indexOf(f.legacy[2] as string) + 10);
    const refused = await restore(f, `${f.ns}-cut.ndjson`, cut);
    expect(refused.exitCode).toBe(3);
    expect(refused.json().error).toMatchObject({ code: 'backup.incomplete', message: expect.stringContaining('cut after record 2') });
    expect(await restoredKeys(f)).toBe(0);
    const allowed = await restore(f, `${f.ns}-cut.ndjson`, cut, ['--allow-unverified']);
    expect(allowed.exitCode).toBe(0);
    expect(allowed.result()).toMatchObject({ restored: 2, verification: { status: 'unverified', records: 2, unsealed: 1 } });
    expect(await restoredKeys(f)).toBe(2);
    expect((await auditEvents(f)).map((e) => e.event)).toEqual(['refused', 'restored']);
  });

  it('a backup from the previous version (no trailer) needs --allow-unverified; a complete one restores at once', async () => {
    const f = await fixture();
    const v1 = encodeHeader({ ...f.header, version: 1, run: undefined }) + f.batches.flat().map(encodeEntry).join('');
    const refused = await restore(f, `${f.ns}-v1.ndjson`, v1);
    expect(refused.exitCode).toBe(3);
    expect(refused.json().error).toMatchObject({ code: 'backup.unverified', fix: expect.stringContaining('--allow-unverified') });
    expect(await restoredKeys(f)).toBe(0);
    const complete = await restore(f, `${f.ns}-full.ndjson`, backupText(f.header, f.batches));
    expect(complete.exitCode).toBe(0);
    expect(complete.result()).toMatchObject({ restored: 3, verification: { status: 'verified', records: 3, unsealed: 0 } });
    expect(await admin.hget(f.legacy[1] as string, 'data')).toBe('{"n":2}');
    const again = await restore(f, `${f.ns}-v1.ndjson`, v1, ['--allow-unverified']);
    expect(again.result()).toMatchObject({ restored: 0, identical: 3, verification: { status: 'unverified' } });
  });
});
