/**
 * The scan-classify-(backup)-delete loop, one node at a time. Memory is flat: two SCAN batches at
 * most, counts only. Each batch is: SCAN → classify (pure) → TYPE-check what needs it → in delete
 * mode DUMP to the backup (synced) → UNLINK → report progress (which saves the cursor). A batch
 * interrupted anywhere is simply scanned again on resume: UNLINK of a gone key is a no-op.
 */
import type { Redis } from 'ioredis';
import { groupBySlot } from '../redis/key-slot.js';
import { createHash } from 'node:crypto';
import { absoluteExpiry, encodeEntry } from './backup-format.js';
import type { BackupWriter } from './backup-file.js';
import { classifyKey, isBullMeta, type LegacyKey, type LegacyKeyKind, type LegacyScope } from './legacy-keys.js';
import { advanceScanProgress, startScanProgress, type ScanProgress } from './scan-progress.js';

export interface ScanNode {
  /** host:port, stable across runs: progress is saved per node. */
  id: string;
  client: Redis;
}

export interface CleanupTally {
  /** Legacy keys deleted (delete mode) or found (dry run), by queue and kind. */
  byQueue: Record<string, Partial<Record<LegacyKeyKind, number>>>;
  keys: number;
  /** Keys SCAN returned (all matched the pattern). */
  scanned: number;
  kept: {
    /** Legacy-prefix keys of queues that are not targets, by queue (dry run shows them). */
    notTargeted: Record<string, number>;
    /** Legacy-looking name, but TYPE (or meta fields) not Bull's: left alone. */
    typeMismatch: number;
    /** Under a target queue but no shape Bull writes. */
    unknownShape: number;
    /** BullMQ-only keys under the legacy prefix. */
    foreign: number;
    /** Key names that are not UTF-8 (never guessed at). */
    notUtf8: number;
    /** Not a queue key, outside the prefix (with a whole-prefix pattern). */
    other: number;
  };
  /** Sampled MEMORY USAGE per kind (dry run). */
  memory: Partial<Record<LegacyKeyKind, { sampled: number; bytes: number }>>;
}

export function emptyTally(): CleanupTally {
  return { byQueue: {}, keys: 0, scanned: 0, kept: { notTargeted: {}, typeMismatch: 0, unknownShape: 0, foreign: 0, notUtf8: 0, other: 0 }, memory: {} };
}

export interface BatchProgress {
  node: string;
  /** The cursor to resume from ('0' when the node is done). */
  cursor: string;
  tally: CleanupTally;
  /** Estimated share of this node's keyspace scanned. */
  fraction: number;
  batchKeys: number;
}

export interface EngineOptions {
  scope: LegacyScope;
  pattern: string;
  /** SCAN COUNT, and the most keys per UNLINK. */
  batch: number;
  mode: 'dry-run' | 'delete';
  /** Group multi-key commands by hash slot (Redis Cluster nodes refuse cross-slot ones). */
  cluster: boolean;
  backup?: BackupWriter | undefined;
  /** Keys per second at most (gentle on a busy production Redis); undefined = as fast as it goes. */
  maxRate?: number | undefined;
  /** MEMORY USAGE samples per batch in a dry run. */
  memorySamplesPerBatch?: number;
  /** Awaited before each delete: throws to stop (state changed, a worker came back). */
  guard?: () => Promise<void>;
  onBatch(progress: BatchProgress): Promise<void>;
  shouldStop(): boolean;
}

interface Candidate {
  key: string;
  legacy: LegacyKey;
}

/**
 * `removed`: what UNLINK reported (delete mode), so the total is exact even when SCAN returns a key
 * twice (it may, while the table rehashes); the split by queue and kind counts keys as SCAN
 * returned them.
 */
function countBatch(tally: CleanupTally, candidates: readonly Candidate[], removed: number | null): void {
  for (const { legacy } of candidates) {
    const byKind = tally.byQueue[legacy.queue] ?? {};
    tally.byQueue[legacy.queue] = byKind;
    byKind[legacy.kind] = (byKind[legacy.kind] ?? 0) + 1;
  }
  tally.keys += removed ?? candidates.length;
}

// Distinct non-target "queues" under the prefix are bounded in the counts: memory stays flat.
const MAX_KEPT_QUEUES = 200;

function keptForQueue(tally: CleanupTally, queue: string): void {
  const known = tally.kept.notTargeted;
  const name = queue in known || Object.keys(known).length < MAX_KEPT_QUEUES ? queue : '(others)';
  known[name] = (known[name] ?? 0) + 1;
}

/** Sort SCAN's keys into candidates (legacy shape) and what is kept, counting the kept ones. */
function sortKeys(keys: string[], scope: LegacyScope, tally: CleanupTally): Candidate[] {
  const candidates: Candidate[] = [];
  for (const key of keys) {
    // A name that is not valid UTF-8 decodes with U+FFFD and could not be UNLINKed by that name.
    if (key.includes('\uFFFD')) {
      tally.kept.notUtf8++;
      continue;
    }
    const verdict = classifyKey(key, scope);
    if (verdict.verdict === 'legacy') candidates.push({ key, legacy: verdict });
    else if (verdict.verdict === 'foreign') tally.kept.foreign++;
    else if (verdict.reason === 'queue-not-targeted') keptForQueue(tally, verdict.queue ?? '');
    else if (verdict.reason === 'unknown-shape') tally.kept.unknownShape++;
    else tally.kept.other++;
  }
  return candidates;
}

/** Keep only candidates whose TYPE (and meta fields) prove them Bull's; one pipeline per batch. */
async function verify(client: Redis, candidates: Candidate[], tally: CleanupTally): Promise<Candidate[]> {
  const checks = candidates.flatMap(({ key, legacy }) => (legacy.verify ? [{ key, verify: legacy.verify }] : []));
  if (checks.length === 0) return candidates;
  const pipeline = client.pipeline();
  for (const { key, verify } of checks) {
    pipeline.type(key);
    if (verify.bullMeta) pipeline.hkeys(key);
  }
  const replies = (await pipeline.exec()) ?? [];
  const failed = new Set<string>();
  let index = 0;
  for (const { key, verify } of checks) {
    const [typeError, type] = replies[index++] ?? [];
    let ok = !typeError && (verify.types as readonly string[]).includes(String(type));
    if (verify.bullMeta) {
      const [fieldsError, fields] = replies[index++] ?? [];
      ok = ok && !fieldsError && isBullMeta(fields as string[]);
    }
    // 'none': deleted meanwhile; nothing to do, and not a mismatch.
    if (!ok) {
      failed.add(key);
      if (String(type) !== 'none') tally.kept.typeMismatch++;
    }
  }
  return candidates.filter((candidate) => !failed.has(candidate.key));
}

// DUMP and PTTL of every key of a batch, plus the server time, in one round trip and one reply
// (one command per key would cost a promise and a parsed reply each: most of the backup's time).
const DUMP_SCRIPT = `
local out = {}
for i, key in ipairs(KEYS) do
  out[2 * i - 1] = redis.call('DUMP', key) or ''
  out[2 * i] = redis.call('PTTL', key)
end
local t = redis.call('TIME')
out[2 * #KEYS + 1] = t[1] * 1000 + math.floor(t[2] / 1000)
return out`;
const DUMP_SHA = createHash('sha1').update(DUMP_SCRIPT).digest('hex');

async function dumpKeys(client: Redis, keys: string[]): Promise<unknown[]> {
  try {
    return (await client.callBuffer('EVALSHA', DUMP_SHA, keys.length, ...keys)) as unknown[];
  } catch (error) {
    if (!String((error as Error).message).startsWith('NOSCRIPT')) throw error;
    return (await client.callBuffer('EVAL', DUMP_SCRIPT, keys.length, ...keys)) as unknown[];
  }
}

async function backupBatch(client: Redis, candidates: Candidate[], backup: BackupWriter, cluster: boolean): Promise<void> {
  const byKey = new Map(candidates.map((candidate) => [candidate.key, candidate.legacy]));
  // A script's keys must share a slot on a cluster node.
  const groups = cluster ? groupBySlot(candidates.map((candidate) => candidate.key)) : [candidates.map((candidate) => candidate.key)];
  const lines: string[] = [];
  for (const keys of groups) {
    const reply = await dumpKeys(client, keys);
    const now = Number(reply[reply.length - 1]);
    keys.forEach((key, i) => {
      const payload = reply[2 * i] as Buffer;
      const expiry = absoluteExpiry(Number(reply[2 * i + 1]), now);
      if (payload.length === 0 || expiry === null) return; // gone between SCAN and DUMP
      const legacy = byKey.get(key) as LegacyKey;
      lines.push(encodeEntry({ k: key, p: payload.toString('base64'), x: expiry, q: legacy.queue, t: legacy.kind }));
    });
  }
  await backup.append(lines);
}

/** UNLINK the batch; resolves to how many keys Redis really removed. */
async function unlink(client: Redis, keys: string[], cluster: boolean, batch: number): Promise<number> {
  const groups = cluster ? groupBySlot(keys) : [keys];
  const pipeline = client.pipeline();
  for (const group of groups) {
    for (let i = 0; i < group.length; i += batch) pipeline.unlink(...group.slice(i, i + batch));
  }
  let removed = 0;
  for (const [error, count] of (await pipeline.exec()) ?? []) {
    if (error) throw error;
    removed += Number(count);
  }
  return removed;
}

async function sampleMemory(client: Redis, candidates: Candidate[], samples: number, tally: CleanupTally): Promise<void> {
  if (candidates.length === 0 || samples <= 0) return;
  const step = Math.max(1, Math.floor(candidates.length / samples));
  const picked = candidates.filter((_, i) => i % step === 0).slice(0, samples);
  const pipeline = client.pipeline();
  for (const { key } of picked) pipeline.memory('USAGE', key);
  const replies = (await pipeline.exec()) ?? [];
  picked.forEach(({ legacy }, i) => {
    const [error, bytes] = replies[i] ?? [];
    if (error || bytes === null) return;
    const entry = tally.memory[legacy.kind] ?? { sampled: 0, bytes: 0 };
    tally.memory[legacy.kind] = entry;
    entry.sampled++;
    entry.bytes += Number(bytes);
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Scan one node from `cursor` to the end (or until told to stop). Returns whether it finished.
 * One delete is in flight while the next batch is classified: the next SCAN is sent before the
 * UNLINK, so the client sorts batch N+1 while the server deletes batch N. The cursor after a batch
 * is reported (and saved) only once that batch's UNLINK has answered.
 */
export async function scanNode(node: ScanNode, startCursor: string, tally: CleanupTally, options: EngineOptions): Promise<boolean> {
  const client = node.client;
  const scan = (from: string) => client.scan(from, 'MATCH', options.pattern, 'COUNT', options.batch) as Promise<[string, string[]]>;
  let progress: ScanProgress = startScanProgress();
  let dbsize = Number(await client.dbsize());
  const started = performance.now();
  const keysAtStart = tally.keys;
  let batches = 0;
  let inFlight: { done: Promise<number | null>; cursor: string; candidates: Candidate[] } | null = null;

  // Count a batch and report where to resume once its delete (if any) has answered.
  const settle = async (batch: { done: Promise<number | null>; cursor: string; candidates: Candidate[] }) => {
    countBatch(tally, batch.candidates, await batch.done);
    if (++batches % 50 === 0) dbsize = Number(await client.dbsize()); // the table shrinks as keys go
    progress = advanceScanProgress(progress, batch.cursor, dbsize);
    await options.onBatch({ node: node.id, cursor: batch.cursor, tally, fraction: progress.fraction, batchKeys: batch.candidates.length });
  };

  let reply = await scan(startCursor);
  for (;;) {
    const [cursor, keys] = reply;
    tally.scanned += keys.length;
    const candidates = await verify(client, sortKeys(keys, options.scope, tally), tally);
    if (inFlight) {
      await settle(inFlight);
      inFlight = null;
      if (options.shouldStop()) return false;
    }
    if (options.mode === 'dry-run') await sampleMemory(client, candidates, options.memorySamplesPerBatch ?? 0, tally);
    else if (candidates.length > 0 && options.backup) await backupBatch(client, candidates, options.backup, options.cluster);
    if (options.mode === 'delete' && candidates.length > 0) await options.guard?.();
    const next = cursor === '0' ? null : scan(cursor);
    next?.catch(() => undefined); // awaited below; never an unhandled rejection if we stop first
    const done =
      options.mode === 'delete'
        ? candidates.length > 0
          ? unlink(
              client,
              candidates.map((candidate) => candidate.key),
              options.cluster,
              options.batch,
            )
          : Promise.resolve(0)
        : Promise.resolve(null);
    inFlight = { done, cursor, candidates };
    if (!next) {
      await settle(inFlight);
      return true;
    }
    if (options.maxRate && options.mode === 'delete') {
      const due = ((tally.keys + candidates.length - keysAtStart) / options.maxRate) * 1000 - (performance.now() - started);
      if (due > 0) await sleep(due);
    }
    reply = await next;
  }
}
