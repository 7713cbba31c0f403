import { describe, expect, it } from 'vitest';
import { encodeEntry, encodeHeader, type BackupEntry, type BackupHeader } from '../../src/cleanup/backup-format.js';
import { backupText } from '../support/backup-files.js';
import { acceptScan, BackupRefusal, BackupVerifier, type BackupScan, type RestoreScope } from '../../src/cleanup/backup-verify.js';

const scope: RestoreScope = { legacyPrefix: 'bull', bullmqPrefix: 'bullmq', planQueues: ['sync', 'mail'] };
const header: BackupHeader = {
  format: 'redis-migrate-backup',
  version: 2,
  createdAt: 1,
  namespace: 'n',
  source: 'redis://h:1',
  legacyPrefix: 'bull',
  queues: ['sync'],
  run: 'run-1',
};
const entry = (key: string, payload = 'AAEC'): BackupEntry => ({ k: key, p: payload, x: 0, q: 'sync', t: 'job' });

function fileText(batches: BackupEntry[][], options: { end?: boolean; head?: BackupHeader } = {}): string {
  return backupText(options.head ?? header, batches, options);
}

/** Feed a text to a verifier the way scanBackup does; returns the scan and the entries it released. */
function verify(text: string, collect = true): { scan: BackupScan; entries: BackupEntry[] } {
  const verifier = new BackupVerifier({ scope, collect });
  const entries: BackupEntry[] = [];
  const bytes = Buffer.from(text, 'utf8');
  let offset = 0;
  let number = 0;
  while (offset < bytes.length) {
    const at = bytes.indexOf(0x0a, offset);
    const end = at === -1 ? bytes.length : at + 1;
    entries.push(...verifier.push(bytes.subarray(offset, at === -1 ? bytes.length : at).toString('utf8'), ++number, end, at !== -1));
    offset = end;
  }
  return { scan: verifier.result(), entries };
}

function refusal(text: string): BackupRefusal {
  try {
    verify(text);
  } catch (error) {
    if (error instanceof BackupRefusal) return error;
    throw error;
  }
  throw new Error('not refused');
}

const batches = [
  [entry('bull:sync:1'), entry('bull:sync:1:lock')],
  [entry('bull:sync:wait'), entry('bull:sync:custom-id')],
];

describe('backup verification', () => {
  it('a complete file verifies: entries released per checkpoint, counted, sealed', () => {
    const text = fileText(batches);
    const { scan, entries } = verify(text);
    expect(entries.map((e) => e.k)).toEqual(['bull:sync:1', 'bull:sync:1:lock', 'bull:sync:wait', 'bull:sync:custom-id']);
    expect(scan).toMatchObject({ complete: true, unsealed: 0, unverified: false, seal: { records: 4 }, verifiedBytes: Buffer.byteLength(text) });
    expect(acceptScan(scan, null, false)).toBe('verified');
  });

  it('a file cut after a checkpoint is incomplete: refused, unless its cleanup run is recorded as interrupted or --allow-unverified', () => {
    const { scan } = verify(fileText(batches, { end: false }));
    expect(scan).toMatchObject({ complete: false, seal: { records: 4 } });
    expect(() => acceptScan(scan, null, false)).toThrow(
      expect.objectContaining({ code: 'backup.incomplete', message: expect.stringContaining('cut after record 4') }),
    );
    expect(() => acceptScan(scan, 'another-run', false)).toThrow(BackupRefusal);
    expect(acceptScan(scan, 'run-1', false)).toBe('interrupted-cleanup');
    expect(acceptScan(scan, null, true)).toBe('unverified');
  });

  it('a file cut inside a batch keeps only what the last checkpoint covers', () => {
    const text = fileText(batches, { end: false });
    const cut = text.slice(0, text.lastIndexOf('{"k":"bull:sync:custom-id"') + 20);
    const { scan, entries } = verify(cut);
    expect(entries).toHaveLength(2);
    expect(scan).toMatchObject({ complete: false, seal: { records: 2 }, unsealed: 2 });
    expect(scan.verifiedBytes).toBe(Buffer.byteLength(fileText([batches[0] as BackupEntry[]], { end: false })));
  });

  it('a changed payload, a dropped or an added line, data after the end: damaged, at the line that shows it', () => {
    const text = fileText(batches);
    expect(refusal(text.replace('"p":"AAEC"', '"p":"AAED"'))).toMatchObject({
      code: 'backup.damaged',
      line: 4,
      message: expect.stringContaining('does not match the 2 record(s) before it'),
    });
    const lines = text.split('\n');
    expect(refusal([...lines.slice(0, 1), ...lines.slice(2)].join('\n')).code).toBe('backup.damaged');
    expect(refusal([...lines.slice(0, 2), encodeEntry(entry('bull:sync:2')).trim(), ...lines.slice(2)].join('\n')).code).toBe('backup.damaged');
    expect(refusal(`${text}${encodeEntry(entry('bull:sync:9'))}`)).toMatchObject({
      code: 'backup.damaged',
      message: expect.stringContaining('after the end record'),
    });
    expect(refusal(text.replace('{"k":"bull:sync:wait"', '{"k":"bull:sync:wait" ,')).code).toBe('backup.damaged');
  });

  it.each([
    ['the migration state', 'redis-migrate:{n}:state'],
    ['a BullMQ key under the legacy prefix', 'bull:sync:marker'],
    ['a queue the header does not name', 'bull:mail:1'],
    ['an app key', 'session:42'],
    ['a BullMQ key', 'bullmq:sync:1'],
  ])('a key the cleanup never deletes (%s) is refused, with its line', (_what, key) => {
    expect(refusal(fileText([[entry('bull:sync:1'), entry(key)]]))).toMatchObject({
      code: 'backup.out-of-scope',
      line: 3,
      message: expect.stringContaining(JSON.stringify(key)),
    });
  });

  it('a header of another legacy prefix or of queues the plan lacks is refused at line 1', () => {
    expect(refusal(fileText(batches, { head: { ...header, legacyPrefix: 'redis-migrate' } }))).toMatchObject({ code: 'backup.out-of-scope', line: 1 });
    expect(refusal(fileText(batches, { head: { ...header, queues: ['sync', '{n}'] } }))).toMatchObject({
      code: 'backup.out-of-scope',
      line: 1,
      message: expect.stringContaining('"{n}"'),
    });
    expect(refusal('{"format":"other"}\n')).toMatchObject({ code: 'backup.format', line: 1 });
  });

  it('a format 1 file (no checkpoints) needs --allow-unverified; its keys are still checked', () => {
    const v1 = `${encodeHeader({ ...header, version: 1, run: undefined })}${batches.flat().map(encodeEntry).join('')}{"k":"bull:sync:9","p":"AA`;
    const { scan, entries } = verify(v1);
    expect(entries).toHaveLength(4);
    expect(scan).toMatchObject({ unverified: true, unsealed: 1 });
    expect(() => acceptScan(scan, null, false)).toThrow(expect.objectContaining({ code: 'backup.unverified' }));
    expect(acceptScan(scan, null, true)).toBe('unverified');
    expect(refusal(encodeHeader({ ...header, version: 1 }) + encodeEntry(entry('redis-migrate:{n}:state'))).code).toBe('backup.out-of-scope');
  });
});
