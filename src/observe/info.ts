/** `INFO` text → sections and the few facts this tool reads from them. Pure. */

/** Section name (lower case, e.g. "server", "commandstats") → key → raw value. */
export type InfoSections = Record<string, Record<string, string>>;

export function parseInfo(text: string): InfoSections {
  const sections: InfoSections = {};
  let current: Record<string, string> = {};
  sections.default = current;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    if (line.startsWith('#')) {
      const name = line.slice(1).trim().toLowerCase();
      current = sections[name] ?? {};
      sections[name] = current;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon === -1) continue;
    current[line.slice(0, colon)] = line.slice(colon + 1);
  }
  if (Object.keys(sections.default ?? {}).length === 0) delete sections.default;
  return sections;
}

/** A key from whichever section holds it (INFO keys are unique across sections). */
export function infoValue(info: InfoSections, key: string): string | undefined {
  for (const section of Object.values(info)) if (key in section) return section[key];
  return undefined;
}

export function infoNumber(info: InfoSections, key: string): number | null {
  const value = infoValue(info, key);
  if (value === undefined || value === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

/** "a=1,b=2" (commandstats, keyspace) → { a: "1", b: "2" }. */
export function parseInfoPairs(value: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of value.split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) out[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return out;
}

export interface CommandStat {
  calls: number;
  usec: number;
  /** Redis 6.2+; 0 on older servers. */
  rejectedCalls: number;
  failedCalls: number;
}

/** `INFO commandstats` → command ("client|list" on 7.x) → counters. Includes commands run inside Lua. */
export function parseCommandStats(info: InfoSections): Record<string, CommandStat> {
  const out: Record<string, CommandStat> = {};
  for (const [key, value] of Object.entries(info.commandstats ?? {})) {
    if (!key.startsWith('cmdstat_')) continue;
    const pairs = parseInfoPairs(value);
    out[key.slice('cmdstat_'.length)] = {
      calls: Number(pairs.calls ?? 0),
      usec: Number(pairs.usec ?? 0),
      rejectedCalls: Number(pairs.rejected_calls ?? 0),
      failedCalls: Number(pairs.failed_calls ?? 0),
    };
  }
  return out;
}

/** `INFO keyspace` → db index → key counts. */
export function parseKeyspace(info: InfoSections): Record<string, { keys: number; expires: number }> {
  const out: Record<string, { keys: number; expires: number }> = {};
  for (const [db, value] of Object.entries(info.keyspace ?? {})) {
    const pairs = parseInfoPairs(value);
    out[db] = { keys: Number(pairs.keys ?? 0), expires: Number(pairs.expires ?? 0) };
  }
  return out;
}

/** The server facts checks and reports use, with null where the server does not say. */
export interface ServerFacts {
  version: string | null;
  mode: string | null;
  clusterEnabled: boolean;
  role: string | null;
  connectedClients: number | null;
  /** In INFO clients from Redis 7.0; older servers need CONFIG GET maxclients. */
  maxclients: number | null;
  maxmemoryPolicy: string | null;
  aofEnabled: boolean;
  rdbSaves: number | null;
  rdbLastSaveTime: number | null;
  totalCommandsProcessed: number | null;
  opsPerSec: number | null;
  uptimeSeconds: number | null;
}

export function serverFacts(info: InfoSections): ServerFacts {
  return {
    version: infoValue(info, 'redis_version') ?? null,
    mode: infoValue(info, 'redis_mode') ?? null,
    clusterEnabled: infoValue(info, 'cluster_enabled') === '1',
    role: infoValue(info, 'role') ?? null,
    connectedClients: infoNumber(info, 'connected_clients'),
    maxclients: infoNumber(info, 'maxclients'),
    maxmemoryPolicy: infoValue(info, 'maxmemory_policy') ?? null,
    aofEnabled: infoValue(info, 'aof_enabled') === '1',
    rdbSaves: infoNumber(info, 'rdb_saves'),
    rdbLastSaveTime: infoNumber(info, 'rdb_last_save_time'),
    totalCommandsProcessed: infoNumber(info, 'total_commands_processed'),
    opsPerSec: infoNumber(info, 'instantaneous_ops_per_sec'),
    uptimeSeconds: infoNumber(info, 'uptime_in_seconds'),
  };
}

/** Compare dotted versions numerically: "6.2.0" < "6.10.1". Negative, 0 or positive. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((part) => Number.parseInt(part, 10) || 0);
  const pb = b.split('.').map((part) => Number.parseInt(part, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}
