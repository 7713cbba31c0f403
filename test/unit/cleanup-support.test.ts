import { describe, expect, it } from 'vitest';
import { absoluteExpiry, encodeEntry, encodeHeader, parseBackupLine, restoreTtl, type BackupHeader } from '../../src/cleanup/backup-format.js';
import { advanceScanProgress, startScanProgress } from '../../src/cleanup/scan-progress.js';
import { estimateMemory, formatBytes } from '../../src/cleanup/summary.js';
import { emptyTally } from '../../src/cleanup/engine.js';
import { parseCleanupProgress } from '../../src/cleanup/progress-store.js';
import { etaMs, formatProgress } from '../../src/cli/progress.js';
import { groupBySlot, hashTagOf, keySlot } from '../../src/redis/key-slot.js';

describe('cluster key slots', () => {
  // Expected slots as CLUSTER KEYSLOT on redis-server 7 answers them.
  it.each([
    ['123456789', 12739],
    ['foo', 12182],
    ['hello', 866],
    ['{user1000}.following', 3443],
    ['{user1000}.followers', 3443],
    ['foo{bar}{zap}', 5061],
    ['foo{{bar}}zap', 4015],
    ['{a}{b}', 15495],
    ['a}b{c}', 7365],
    ['{}', 15257],
    // An empty tag means the whole key, even with a later `}` (cluster-key-slot 1.1.1 says 4015 and 12222).
    ['foo{}{bar}', 8363],
    ['x{}y}', 1123],
  ])('%s → %i', (key, slot) => {
    expect(keySlot(key)).toBe(slot);
  });

  it('uses the first non-empty hash tag, and groups keys by slot', () => {
    expect(hashTagOf('{bull}:q:1')).toBe('bull');
    expect(hashTagOf('foo{}{bar}')).toBe('foo{}{bar}');
    expect(hashTagOf('{a}{b}')).toBe('a');
    expect(groupBySlot(['{bull}:q:1', '{bull}:q:2', 'x', '{bull}:q:3'])).toEqual([['{bull}:q:1', '{bull}:q:2', '{bull}:q:3'], ['x']]);
  });
});

describe('scan progress from the cursor', () => {
  it('reads the reversed cursor bits as the share of the table visited, monotone, 1 at the end', () => {
    let progress = startScanProgress();
    // A 16-bucket table (10 keys → 2^4): cursor 0b0001 reversed is 0b1000 = half way.
    progress = advanceScanProgress(progress, String(0b0100), 10);
    expect(progress.fraction).toBeCloseTo(2 / 16);
    progress = advanceScanProgress(progress, String(0b0001), 10);
    expect(progress.fraction).toBeCloseTo(8 / 16);
    progress = advanceScanProgress(progress, String(0b0100), 10); // never goes back
    expect(progress.fraction).toBeCloseTo(8 / 16);
    expect(advanceScanProgress(progress, '0', 10).fraction).toBe(1);
  });

  it('widens the table when a cursor is wider than the key count suggests', () => {
    const progress = advanceScanProgress(startScanProgress(), String(2 ** 20 - 1), 100);
    expect(progress.widest).toBe(20);
    expect(progress.fraction).toBeGreaterThan(0.99);
  });
});

describe('backup format', () => {
  const header: BackupHeader = {
    format: 'redis-migrate-backup',
    version: 1,
    createdAt: 1,
    namespace: 'n',
    source: 'redis://h:1',
    legacyPrefix: 'bull',
    queues: ['q'],
  };

  it('round-trips header and entries, and flags what it cannot read', () => {
    expect(parseBackupLine(encodeHeader(header), true)).toEqual({ kind: 'header', header });
    const entry = { k: 'bull:q:1', p: 'AAEC', x: 0, q: 'q', t: 'job' };
    expect(parseBackupLine(encodeEntry(entry), false)).toEqual({ kind: 'entry', entry });
    expect(parseBackupLine('{"k":"bull:q:1","p":"AA', false).kind).toBe('invalid');
    expect(parseBackupLine('{"format":"other"}', true).kind).toBe('invalid');
  });

  it('keeps expiry absolute: a key restored later does not live longer', () => {
    expect(absoluteExpiry(-1, 1000)).toBe(0);
    expect(absoluteExpiry(-2, 1000)).toBeNull();
    expect(absoluteExpiry(500, 1000)).toBe(1500);
    expect(restoreTtl({ k: 'a', p: '', x: 0, q: '', t: '' }, 5000)).toBe(0);
    expect(restoreTtl({ k: 'a', p: '', x: 6000, q: '', t: '' }, 5000)).toBe(6000);
    expect(restoreTtl({ k: 'a', p: '', x: 4000, q: '', t: '' }, 5000)).toBeNull();
  });
});

describe('memory estimate and progress text', () => {
  it('scales each kind by its own sampled mean', () => {
    const tally = emptyTally();
    tally.byQueue = { q: { job: 1000, 'job-logs': 10 } };
    tally.keys = 1010;
    tally.memory = { job: { sampled: 10, bytes: 2000 } };
    expect(estimateMemory(tally)).toEqual({ bytes: 1000 * 200 + 10 * 200, sampled: 10 });
    expect(estimateMemory(emptyTally())).toBeNull();
    expect(formatBytes(1536)).toBe('1.5 KB');
  });

  it('draws a bar with rate and ETA', () => {
    const state = { done: 50_000, fraction: 0.25, elapsedMs: 1000, label: 'cleanup' };
    expect(formatProgress(state, 'bar', 8)).toBe('cleanup  [##------]   25%  50,000 keys  50,000/s  ETA 3s');
    expect(formatProgress({ ...state, fraction: null }, 'lines')).toBe('cleanup  50,000 keys  50,000/s  ETA ?');
    expect(etaMs(state)).toBe(3000);
  });
});

describe('cleanup progress record', () => {
  it('parses cursors per node and done nodes', () => {
    const progress = parseCleanupProgress({
      run: 'r1',
      status: 'running',
      queues: 'a,b',
      'cursor:h:1': '123',
      'done:h:2': '1',
      'cursor:h:2': '0',
      tally: '{"keys":5}',
    });
    expect(progress).toMatchObject({ run: 'r1', status: 'running', queues: ['a', 'b'], cursors: { 'h:1': '123', 'h:2': '0' }, doneNodes: ['h:2'] });
    expect(progress?.tally.keys).toBe(5);
    expect(parseCleanupProgress({})).toBeNull();
  });
});
