/**
 * Which keys are provably the legacy library's (Bull 4), for one legacy prefix and a set of queues.
 * Pure: the classification is by exact key shape, never by a loose pattern. A key is legacy only
 * when it sits under `<legacy prefix>:<queue>:` of a targeted queue AND its suffix is a shape Bull
 * writes. Shapes that only BullMQ writes are "foreign": never deleted, and their presence under
 * the legacy prefix blocks the queue (the two libraries share key names, see facts/bull-bullmq.md §4).
 */

export type RedisType = 'string' | 'list' | 'set' | 'zset' | 'hash' | 'stream';

/** The kinds of key Bull 4 writes for a queue (measured against real Bull in the tests). */
export const LEGACY_KEY_KINDS = [
  'job',
  'job-lock',
  'job-logs',
  'repeat-job',
  'wait',
  'active',
  'paused',
  'delayed',
  'completed',
  'failed',
  'priority',
  'id',
  'stalled-check',
  'stalled',
  'meta-paused',
  'meta',
  'repeat',
  'limiter',
  'metrics',
  'debounce',
] as const;
export type LegacyKeyKind = (typeof LEGACY_KEY_KINDS)[number];

export interface LegacyKey {
  verdict: 'legacy';
  queue: string;
  kind: LegacyKeyKind;
  /**
   * When set, the key is deleted only if its TYPE is one of these (and, for `meta`, its fields
   * are Bull's). Shapes that only Bull produces (numeric job ids, Bull repeat ids) need no check;
   * everything a custom job id or an app could also have written does.
   */
  verify?: { types: readonly RedisType[]; bullMeta?: true };
}

export interface ForeignKey {
  verdict: 'foreign';
  queue: string;
  /** The BullMQ-only key name found under the legacy prefix. */
  shape: string;
}

export interface KeptKey {
  verdict: 'keep';
  /** Why the key is none of the cleanup's business; `queue` when it is a non-targeted queue's. */
  reason: 'outside-prefix' | 'not-a-queue-key' | 'queue-not-targeted' | 'unknown-shape' | 'shared-prefix';
  queue?: string;
}

export type KeyClass = LegacyKey | ForeignKey | KeptKey;

export interface LegacyScope {
  legacyPrefix: string;
  bullmqPrefix: string;
  /** Queues whose legacy keys may go (their tier is on BullMQ and has soaked). */
  queues: ReadonlySet<string>;
}

const FIXED: Record<string, { kind: LegacyKeyKind; types: readonly RedisType[] }> = {
  wait: { kind: 'wait', types: ['list'] },
  active: { kind: 'active', types: ['list'] },
  paused: { kind: 'paused', types: ['list'] },
  delayed: { kind: 'delayed', types: ['zset'] },
  completed: { kind: 'completed', types: ['zset'] },
  failed: { kind: 'failed', types: ['zset'] },
  priority: { kind: 'priority', types: ['zset'] },
  id: { kind: 'id', types: ['string'] },
  'stalled-check': { kind: 'stalled-check', types: ['string'] },
  stalled: { kind: 'stalled', types: ['set'] },
  'meta-paused': { kind: 'meta-paused', types: ['string'] },
  repeat: { kind: 'repeat', types: ['zset'] },
  limiter: { kind: 'limiter', types: ['string', 'hash', 'zset'] },
};

/**
 * Names only BullMQ writes under `<prefix>:<queue>:`. `meta` is not here: Bull 4 writes a `meta`
 * hash too (field `paused`, "for forward compatibility"), so it is told apart by its fields.
 */
export const BULLMQ_ONLY_NAMES = ['marker', 'events', 'prioritized', 'pc', 'waiting-children'] as const;

// Suffixes BullMQ adds to job keys (flows, failure tracking); Bull has only :lock and :logs.
const BULLMQ_JOB_SUFFIX = /:(dependencies|processed|failed|unsuccessful)$/;
const NUMERIC_ID = /^\d+$/;
const BULL_REPEAT_ID = /^repeat:[0-9a-f]{32}:\d+$/;

function job(queue: string, id: string, suffix: '' | 'lock' | 'logs', verified: boolean): LegacyKey {
  const repeat = BULL_REPEAT_ID.test(id);
  const kind: LegacyKeyKind = suffix === 'lock' ? 'job-lock' : suffix === 'logs' ? 'job-logs' : repeat ? 'repeat-job' : 'job';
  const type: RedisType = suffix === 'lock' ? 'string' : suffix === 'logs' ? 'list' : 'hash';
  return verified ? sharedVerdict(queue, kind) : { verdict: 'legacy', queue, kind, verify: { types: [type] } };
}

// Verdicts that need no check are shared (they are read-only): classification of a million job
// keys should not allocate a million verdicts.
const shared = new Map<string, Partial<Record<LegacyKeyKind, LegacyKey>>>();
function sharedVerdict(queue: string, kind: LegacyKeyKind): LegacyKey {
  let byKind = shared.get(queue);
  if (!byKind) {
    if (shared.size > 10_000) shared.clear();
    byKind = {};
    shared.set(queue, byKind);
  }
  let verdict = byKind[kind];
  if (!verdict) {
    verdict = Object.freeze({ verdict: 'legacy', queue, kind }) as LegacyKey;
    byKind[kind] = verdict;
  }
  return verdict;
}

/** Bull's counter ids: `<digits>`, `<digits>:lock`, `<digits>:logs` (the bulk of any legacy keyspace). */
function numericJob(queue: string, suffix: string): LegacyKey | null {
  let i = 0;
  while (i < suffix.length) {
    const c = suffix.charCodeAt(i);
    if (c < 48 || c > 57) break;
    i++;
  }
  if (i === 0) return null;
  if (i === suffix.length) return sharedVerdict(queue, 'job');
  const rest = suffix.length - i === 5 && suffix.charCodeAt(i) === 58 ? suffix.slice(i + 1) : '';
  if (rest === 'lock') return sharedVerdict(queue, 'job-lock');
  if (rest === 'logs') return sharedVerdict(queue, 'job-logs');
  return null;
}

/** The part of a key after `<prefix>:<queue>:` → what Bull keeps there, or why it is not Bull's. */
export function classifySuffix(queue: string, suffix: string): LegacyKey | ForeignKey | KeptKey {
  const fast = numericJob(queue, suffix);
  if (fast) return fast;
  if (suffix === '') return { verdict: 'keep', reason: 'unknown-shape', queue };
  if ((BULLMQ_ONLY_NAMES as readonly string[]).includes(suffix)) return { verdict: 'foreign', queue, shape: suffix };
  const fixed = FIXED[suffix];
  if (fixed) return { verdict: 'legacy', queue, kind: fixed.kind, verify: { types: fixed.types } };
  if (suffix === 'meta') return { verdict: 'legacy', queue, kind: 'meta', verify: { types: ['hash'], bullMeta: true } };
  if (/^metrics:(completed|failed)$/.test(suffix)) return { verdict: 'legacy', queue, kind: 'metrics', verify: { types: ['hash'] } };
  if (/^metrics:(completed|failed):data$/.test(suffix)) return { verdict: 'legacy', queue, kind: 'metrics', verify: { types: ['list'] } };
  if (suffix.startsWith('limiter:')) return { verdict: 'legacy', queue, kind: 'limiter', verify: { types: ['string', 'hash', 'zset'] } };
  if (/^de:.+/.test(suffix)) return { verdict: 'legacy', queue, kind: 'debounce', verify: { types: ['string'] } };

  // Job keys: `<id>`, `<id>:lock`, `<id>:logs`. Bull's own ids (counter, repeat) need no TYPE check.
  const tail = /^(.+):(lock|logs)$/.exec(suffix);
  const id = tail ? (tail[1] as string) : suffix;
  const part = tail ? (tail[2] as 'lock' | 'logs') : '';
  if (NUMERIC_ID.test(id) || BULL_REPEAT_ID.test(id)) return job(queue, id, part, true);
  // A BullMQ scheduler (`repeat:<name>`), flow or dedup key: not Bull's shape.
  if (id.startsWith('repeat:') || BULLMQ_JOB_SUFFIX.test(suffix)) return { verdict: 'keep', reason: 'unknown-shape', queue };
  // A custom job id (Bull allows any string, group limiter ids contain ':'): deleted only if TYPE fits.
  return job(queue, id, part, false);
}

/** One key → legacy (with its queue and kind), foreign (BullMQ under the legacy prefix) or keep. */
export function classifyKey(key: string, scope: LegacyScope): KeyClass {
  if (scope.legacyPrefix === scope.bullmqPrefix) return { verdict: 'keep', reason: 'shared-prefix' };
  const head = `${scope.legacyPrefix}:`;
  if (!key.startsWith(head)) return { verdict: 'keep', reason: 'outside-prefix' };
  const rest = key.slice(head.length);
  const colon = rest.indexOf(':');
  // `bull:sync` (no second colon) is not a queue key; queue names never contain ':' (plan schema).
  if (colon <= 0) return { verdict: 'keep', reason: 'not-a-queue-key' };
  const queue = rest.slice(0, colon);
  if (!scope.queues.has(queue)) return { verdict: 'keep', reason: 'queue-not-targeted', queue };
  return classifySuffix(queue, rest.slice(colon + 1));
}

/** Bull's `meta` hash only ever holds `paused`; BullMQ's holds `version`, `opts.*`... */
export function isBullMeta(fields: readonly string[]): boolean {
  return fields.every((field) => field === 'paused');
}

/** Escape Redis glob metacharacters so a prefix or queue name matches only itself. */
export function globEscape(text: string): string {
  return text.replace(/[*?[\]\\]/g, (char) => `\\${char}`);
}

/**
 * The SCAN MATCH pattern: one queue → `<prefix>:<queue>:*`; several → `<prefix>:*` (one pass over
 * the keyspace instead of one per queue). Always with the colons, so `bull:*` can never match
 * `bullmq:*` and `bull:sync:*` never matches `bull:sync-v2:*`. It only narrows what the server
 * returns: `classifyKey` decides every key.
 */
export function scanPattern(legacyPrefix: string, queues: readonly string[]): string {
  const prefix = globEscape(legacyPrefix);
  return queues.length === 1 ? `${prefix}:${globEscape(queues[0] as string)}:*` : `${prefix}:*`;
}

/** The keys whose existence under the legacy prefix shows BullMQ has written there. */
export function foreignMarkerKeys(legacyPrefix: string, queue: string): string[] {
  return BULLMQ_ONLY_NAMES.map((name) => `${legacyPrefix}:${queue}:${name}`);
}

/** The legacy keys that hold jobs still to run: waiting (and paused), active, delayed. */
export function backlogKeys(legacyPrefix: string, queue: string): { wait: string; paused: string; active: string; delayed: string } {
  const base = `${legacyPrefix}:${queue}:`;
  return { wait: `${base}wait`, paused: `${base}paused`, active: `${base}active`, delayed: `${base}delayed` };
}
