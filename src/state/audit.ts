/** The audit trail: an append-only stream next to the state it describes. */
import { redact } from '../redact.js';
import type { RedisClient } from '../redis/client.js';
import { serverTimeMs } from '../redis/client.js';
import type { AuditKind } from './flag-store.js';
import type { StateKeys } from './keys.js';

export interface AuditEntry {
  id: string;
  /** Server time, ms. */
  time: number;
  kind: string;
  actor: string;
  command: string;
  reason: string;
  version: number | null;
  before: Record<string, string>;
  after: Record<string, string>;
  details: Record<string, unknown>;
}

function parseJson<T>(text: string | undefined, fallback: T): T {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

export function parseAuditEntry(id: string, fields: string[]): AuditEntry {
  const map: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) map[fields[i] as string] = fields[i + 1] as string;
  return {
    id,
    time: Number(map.time ?? id.split('-')[0]),
    kind: map.kind ?? 'note',
    actor: map.actor ?? '',
    command: map.command ?? '',
    reason: map.reason ?? '',
    version: map.version ? Number(map.version) : null,
    before: parseJson(map.before, {}),
    after: parseJson(map.after, {}),
    details: parseJson(map.details, {}),
  };
}

/** The newest `limit` entries, oldest first (the order people read a trail in). */
export async function readAudit(client: RedisClient, keys: StateKeys, limit: number): Promise<AuditEntry[]> {
  const rows = (await client.xrevrange(keys.audit, '+', '-', 'COUNT', limit)) as [string, string[]][];
  return rows.map(([id, fields]) => parseAuditEntry(id, fields)).reverse();
}

/** Every entry of the audit stream, oldest first, read in pages. */
export async function readWholeAudit(client: RedisClient, keys: StateKeys, max = 100_000): Promise<AuditEntry[]> {
  const entries: AuditEntry[] = [];
  let start = '-';
  while (entries.length < max) {
    const rows = (await client.xrange(keys.audit, start, '+', 'COUNT', 1000)) as [string, string[]][];
    for (const [id, fields] of rows) entries.push(parseAuditEntry(id, fields));
    if (rows.length < 1000) break;
    const [ms, seq] = (rows[rows.length - 1]?.[0] ?? '0-0').split('-');
    start = `${ms}-${Number(seq) + 1}`;
  }
  return entries;
}

export async function auditLength(client: RedisClient, keys: StateKeys): Promise<number> {
  return Number(await client.xlen(keys.audit));
}

export interface AuditNote {
  kind: AuditKind;
  actor: string;
  command: string;
  reason?: string;
  details?: Record<string, unknown>;
}

/** Entries that are not flag changes (a failed sink, a forced gate): no version, no state. */
export async function appendAudit(client: RedisClient, keys: StateKeys, note: AuditNote): Promise<void> {
  const time = await serverTimeMs(client);
  await client.xadd(
    keys.audit,
    '*',
    'time',
    String(time),
    'kind',
    note.kind,
    'actor',
    redact(note.actor),
    'command',
    redact(note.command),
    'reason',
    redact(note.reason ?? ''),
    'details',
    redact(JSON.stringify(note.details ?? {})),
  );
}
