/**
 * The backup file: NDJSON, one header line, then per synced batch its entry lines (one per key,
 * DUMP payload in base64 and absolute expiry) followed by a checkpoint line, and an end line when
 * the cleanup finished. Pure encode/decode; the file I/O streams it (backup-file.ts), the chain
 * of digests is checked by backup-verify.ts.
 *
 * Checkpoints chain: d0 = sha256(header line), d(n) = sha256(d(n-1) + the batch's entry lines), each
 * with the record count so far. A checkpoint is written with its batch in one synced write, before
 * any key of the batch is deleted, so every deleted key sits before a checkpoint that covers it.
 * Absolute expiry (server time) rather than a TTL: a key restored a day later must not live a day
 * longer than it would have.
 */
import { createHash, type Hash } from 'node:crypto';

export const BACKUP_FORMAT = 'redis-migrate-backup';
/** 2: checkpoints and an end record. 1 (earlier versions): header and entries only, nothing to verify. */
export const BACKUP_VERSION = 2;
export const UNVERIFIED_BACKUP_VERSION = 1;

export interface BackupHeader {
  format: typeof BACKUP_FORMAT;
  version: typeof BACKUP_VERSION | typeof UNVERIFIED_BACKUP_VERSION;
  /** Server time the backup was started, ms. */
  createdAt: number;
  namespace: string;
  /** The Redis it was taken from, password removed. */
  source: string;
  legacyPrefix: string;
  queues: string[];
  /** The cleanup run that writes it (version 2): tells an interrupted run's file from a cut one. */
  run?: string;
  /** Set when a resumed cleanup appended to the file. */
  resumedAt?: number[];
}

export interface BackupEntry {
  /** The key. */
  k: string;
  /** DUMP payload, base64. */
  p: string;
  /** Absolute expiry, server time ms; 0 = no expiry. */
  x: number;
  /** Queue and kind, for the restore report. */
  q: string;
  t: string;
}

/** Records so far and the chained digest after them. */
export interface BackupSeal {
  records: number;
  sha256: string;
}

export function encodeHeader(header: BackupHeader): string {
  return `${JSON.stringify(header)}\n`;
}

export function encodeEntry(entry: BackupEntry): string {
  return `${JSON.stringify(entry)}\n`;
}

export function encodeCheckpoint(seal: BackupSeal): string {
  return `${JSON.stringify({ checkpoint: seal })}\n`;
}

export function encodeEnd(seal: BackupSeal): string {
  return `${JSON.stringify({ end: seal })}\n`;
}

/** The chain's start: the digest of the header line, as written (its newline included). */
export function headerSeal(headerLine: string | Buffer): BackupSeal {
  return { records: 0, sha256: createHash('sha256').update(headerLine).digest('hex') };
}

/** A hash for the next batch: seeded with the previous digest, then fed the batch's entry lines. */
export function batchHash(previous: BackupSeal): Hash {
  return createHash('sha256').update(previous.sha256);
}

/** The seal after a batch of `lines` (each with its newline). */
export function sealBatch(previous: BackupSeal, lines: readonly string[]): BackupSeal {
  const hash = batchHash(previous);
  for (const line of lines) hash.update(line);
  return { records: previous.records + lines.length, sha256: hash.digest('hex') };
}

/** PTTL at DUMP time → absolute expiry (0: none). `pttl` -2 means the key vanished meanwhile. */
export function absoluteExpiry(pttl: number, serverNow: number): number | null {
  if (pttl === -2) return null;
  return pttl < 0 ? 0 : serverNow + pttl;
}

export type ParsedLine =
  | { kind: 'header'; header: BackupHeader }
  | { kind: 'entry'; entry: BackupEntry }
  | { kind: 'checkpoint' | 'end'; seal: BackupSeal }
  | { kind: 'invalid'; reason: string };

function seal(value: unknown): BackupSeal | null {
  const record = value as Record<string, unknown> | null;
  if (!record || !Number.isInteger(record.records) || typeof record.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(record.sha256)) return null;
  return { records: record.records as number, sha256: record.sha256 };
}

export function parseBackupLine(line: string, first: boolean): ParsedLine {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { kind: 'invalid', reason: 'not JSON' };
  }
  const record = (value ?? {}) as Record<string, unknown>;
  if (first) {
    if (record.format !== BACKUP_FORMAT) return { kind: 'invalid', reason: `not a ${BACKUP_FORMAT} file` };
    if (record.version !== BACKUP_VERSION && record.version !== UNVERIFIED_BACKUP_VERSION)
      return { kind: 'invalid', reason: `unsupported backup version ${String(record.version)}` };
    if (typeof record.legacyPrefix !== 'string' || !Array.isArray(record.queues) || !record.queues.every((queue) => typeof queue === 'string')) {
      return { kind: 'invalid', reason: 'the header has no legacy prefix or queue list' };
    }
    return { kind: 'header', header: record as unknown as BackupHeader };
  }
  if ('checkpoint' in record || 'end' in record) {
    const kind = 'checkpoint' in record ? 'checkpoint' : 'end';
    const parsed = seal(record[kind]);
    return parsed ? { kind, seal: parsed } : { kind: 'invalid', reason: `a ${kind} record without a count and digest` };
  }
  if (typeof record.k !== 'string' || typeof record.p !== 'string' || typeof record.x !== 'number') {
    return { kind: 'invalid', reason: 'missing k, p or x' };
  }
  return { kind: 'entry', entry: { k: record.k, p: record.p, x: record.x, q: String(record.q ?? ''), t: String(record.t ?? '') } };
}

/** What RESTORE should get for an entry at `serverNow`: an ABSTTL, 0, or null when already expired. */
export function restoreTtl(entry: BackupEntry, serverNow: number): number | null {
  if (entry.x === 0) return 0;
  return entry.x > serverNow ? entry.x : null;
}
