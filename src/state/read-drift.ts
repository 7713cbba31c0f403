/** Gathers what drift is judged from: state, every versioned audit entry, instances, the dotenv sink. */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { readDotenvValues } from '../flags/sinks/dotenv-text.js';
import type { Plan } from '../plan/schema.js';
import type { RedisClient } from '../redis/client.js';
import { readWholeAudit, type AuditEntry } from './audit.js';
import { readState } from './flag-store.js';
import { readInstances } from './instances.js';
import type { StateKeys } from './keys.js';
import { driftFindings, type DriftReport } from './drift.js';
import { recordedBullmqTiers, type FlagState } from './model.js';

/** The changes (entries with a version), oldest first: notes (sink failures, breaches, cleanups) explain no state. */
async function stateChanges(client: RedisClient, keys: StateKeys): Promise<AuditEntry[]> {
  return (await readWholeAudit(client, keys)).filter((entry) => entry.version !== null);
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
  const [{ hash, state }, changes, { instances }] = await Promise.all([readState(client, keys), stateChanges(client, keys), readInstances(client, keys)]);
  const path = plan.sinks.dotenv?.path;
  return driftFindings({
    state,
    hash,
    changes,
    instances,
    dotenv: path ? { path, values: await readSink(path, cwd) } : null,
    expectedSink: expectedSink(plan, state),
  });
}
