/**
 * The cleanup's progress, kept in the migration state (`redis-migrate:{ns}:cleanup`) so Ctrl-C,
 * a crash or a lost connection followed by the same command finishes the job: per node the SCAN
 * cursor after the last deleted batch, plus the counts so far.
 */
import type { RedisClient } from '../redis/client.js';
import type { StateKeys } from '../state/keys.js';
import { emptyTally, type CleanupTally } from './engine.js';

export interface CleanupProgress {
  run: string;
  status: 'running' | 'done';
  /** Target queues of the run, sorted: a resume needs the same set. */
  queues: string[];
  startedAt: number;
  updatedAt: number;
  actor: string;
  backup: string | null;
  forced: boolean;
  tally: CleanupTally;
  /** Node id → cursor to resume from. */
  cursors: Record<string, string>;
  doneNodes: string[];
}

/** Pure: the progress hash → data (null when there is none or it is unreadable). */
export function parseCleanupProgress(hash: Record<string, string>): CleanupProgress | null {
  if (!hash.run) return null;
  let tally = emptyTally();
  try {
    tally = { ...tally, ...(JSON.parse(hash.tally ?? '{}') as Partial<CleanupTally>) };
  } catch {
    // Counts are informational; a resume still works from the cursors.
  }
  const cursors: Record<string, string> = {};
  const doneNodes: string[] = [];
  for (const [field, value] of Object.entries(hash)) {
    if (field.startsWith('cursor:')) cursors[field.slice(7)] = value;
    if (field.startsWith('done:') && value === '1') doneNodes.push(field.slice(5));
  }
  return {
    run: hash.run,
    status: hash.status === 'done' ? 'done' : 'running',
    queues: (hash.queues ?? '').split(',').filter(Boolean),
    startedAt: Number(hash.startedAt ?? 0),
    updatedAt: Number(hash.updatedAt ?? 0),
    actor: hash.actor ?? '',
    backup: hash.backup || null,
    forced: hash.forced === '1',
    tally,
    cursors,
    doneNodes,
  };
}

export async function readCleanupProgress(client: RedisClient, keys: StateKeys): Promise<CleanupProgress | null> {
  return parseCleanupProgress((await client.hgetall(keys.cleanup)) as Record<string, string>);
}

export async function startCleanupRun(
  client: RedisClient,
  keys: StateKeys,
  run: { run: string; queues: string[]; startedAt: number; actor: string; backup: string | null; forced: boolean },
): Promise<void> {
  await client
    .multi()
    .del(keys.cleanup)
    .hset(keys.cleanup, {
      run: run.run,
      status: 'running',
      queues: [...run.queues].sort().join(','),
      startedAt: String(run.startedAt),
      updatedAt: String(run.startedAt),
      actor: run.actor,
      backup: run.backup ?? '',
      forced: run.forced ? '1' : '',
      tally: JSON.stringify(emptyTally()),
    })
    .exec();
}

/** After a batch is deleted: where to resume on this node, and the counts so far. */
export async function saveBatch(client: RedisClient, keys: StateKeys, node: string, cursor: string, tally: CleanupTally, at: number): Promise<void> {
  const fields: Record<string, string> = { [`cursor:${node}`]: cursor, tally: JSON.stringify(tally), updatedAt: String(at) };
  if (cursor === '0') fields[`done:${node}`] = '1';
  await client.hset(keys.cleanup, fields);
}

export async function finishCleanupRun(client: RedisClient, keys: StateKeys, at: number): Promise<void> {
  await client.hset(keys.cleanup, { status: 'done', updatedAt: String(at) });
}

export function sameQueues(a: readonly string[], b: readonly string[]): boolean {
  return [...a].sort().join(',') === [...b].sort().join(',');
}
