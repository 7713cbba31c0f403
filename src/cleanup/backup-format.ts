/**
 * The backup file: NDJSON, one header line then one line per key with its DUMP payload (base64)
 * and absolute expiry. Pure encode/decode; the file I/O streams it (backup-file.ts).
 * Absolute expiry (server time) rather than a TTL: a key restored a day later must not live a day
 * longer than it would have.
 */

export const BACKUP_FORMAT = 'redis-migrate-backup';
export const BACKUP_VERSION = 1;

export interface BackupHeader {
  format: typeof BACKUP_FORMAT;
  version: typeof BACKUP_VERSION;
  /** Server time the backup was started, ms. */
  createdAt: number;
  namespace: string;
  /** The Redis it was taken from, password removed. */
  source: string;
  legacyPrefix: string;
  queues: string[];
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

export function encodeHeader(header: BackupHeader): string {
  return `${JSON.stringify(header)}\n`;
}

export function encodeEntry(entry: BackupEntry): string {
  return `${JSON.stringify(entry)}\n`;
}

/** PTTL at DUMP time → absolute expiry (0: none). `pttl` -2 means the key vanished meanwhile. */
export function absoluteExpiry(pttl: number, serverNow: number): number | null {
  if (pttl === -2) return null;
  return pttl < 0 ? 0 : serverNow + pttl;
}

export type ParsedLine = { kind: 'header'; header: BackupHeader } | { kind: 'entry'; entry: BackupEntry } | { kind: 'invalid'; reason: string };

export function parseBackupLine(line: string, first: boolean): ParsedLine {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { kind: 'invalid', reason: 'not JSON (a truncated last line is normal after an interrupted cleanup)' };
  }
  const record = value as Record<string, unknown>;
  if (first) {
    if (record.format !== BACKUP_FORMAT) return { kind: 'invalid', reason: `not a ${BACKUP_FORMAT} file` };
    if (record.version !== BACKUP_VERSION) return { kind: 'invalid', reason: `unsupported backup version ${String(record.version)}` };
    return { kind: 'header', header: record as unknown as BackupHeader };
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
