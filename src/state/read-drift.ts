/** Gathers what drift is judged from: state, the newest versioned audit entry, instances, the dotenv sink. */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { readDotenvValues } from '../flags/sinks/dotenv-text.js';
import type { Plan } from '../plan/schema.js';
import type { RedisClient } from '../redis/client.js';
import { parseAuditEntry, type AuditEntry } from './audit.js';
import { readState } from './flag-store.js';
import { readInstances } from './instances.js';
import type { StateKeys } from './keys.js';
import { driftFindings, type DriftReport } from './drift.js';
import { recordedBullmqTiers, type FlagState } from './model.js';

async function lastChange(client: RedisClient, keys: StateKeys): Promise<AuditEntry | null> {
  // Notes (sink failures, monitor breaches) carry no version; the newest change is rarely far back.
  const rows = (await client.xrevrange(keys.audit, '+', '-', 'COUNT', 200)) as [string, string[]][];
  for (const [id, fields] of rows) {
    const entry = parseAuditEntry(id, fields);
    if (entry.version !== null) return entry;
  }
  return null;
}

/** The three flags as the dotenv sink writes them (mirrors sinks.sinkValues without loading the sink runner). */
function expectedSink(plan: Plan, state: FlagState): Record<string, string> {
  const order = plan.tiers.map((tier) => tier.name);
  const tiers = recordedBullmqTiers(state).sort((a, b) => order.indexOf(a) - order.indexOf(b));
  return { [plan.flags.useBullmq]: String(state.useBullmq), [plan.flags.bullmqTiers]: tiers.join(','), [plan.flags.useHttpRedis]: String(state.useHttpRedis) };
}

async function readSink(path: string, cwd: string): Promise<Record<string, string> | null> {
  try {
    return readDotenvValues(await readFile(resolve(cwd, path), 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

export async function readDrift(client: RedisClient, keys: StateKeys, plan: Plan, cwd: string): Promise<DriftReport> {
  const [{ hash, state }, change, { instances }] = await Promise.all([readState(client, keys), lastChange(client, keys), readInstances(client, keys)]);
  const path = plan.sinks.dotenv?.path;
  return driftFindings({
    state,
    hash,
    lastChange: change,
    instances,
    dotenv: path ? { path, values: await readSink(path, cwd) } : null,
    expectedSink: expectedSink(plan, state),
  });
}
