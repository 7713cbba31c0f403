/** Gathers what drift is judged from: state, every versioned audit entry, instances, the dotenv sink. */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { readDotenvValues } from '../sinks/dotenv-text.js';
import { sinkValues } from '../sinks/values.js';
import type { Plan } from '../plan/schema.js';
import type { RedisClient } from '../redis/client.js';
import { readWholeAudit, type AuditEntry } from './audit.js';
import { readState } from './flag-store.js';
import { readInstances } from './instances.js';
import type { StateKeys } from './keys.js';
import { driftFindings, type DriftFinding, type DriftReport } from './drift.js';
import { unknownTiers, type FlagState } from './model.js';

/** The changes (entries with a version), oldest first: notes (sink failures, breaches, cleanups) explain no state. */
async function stateChanges(client: RedisClient, keys: StateKeys): Promise<AuditEntry[]> {
  return (await readWholeAudit(client, keys)).filter((entry) => entry.version !== null);
}

async function readSink(path: string, cwd: string): Promise<Record<string, string> | null> {
  try {
    return readDotenvValues(await readFile(resolve(cwd, path), 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** A tier name only Redis knows is refused everywhere; here it is reported (JSON-quoted: it may hold anything). */
function unknownTierFindings(plan: Plan, state: FlagState, stateKey: string): DriftFinding[] {
  return unknownTiers(
    state,
    plan.tiers.map((tier) => tier.name),
  ).map((name) => ({
    source: 'plan',
    message: `${stateKey} has a field for tier ${JSON.stringify(name)} (${state.tiers[name]?.state}), which the plan does not have: sinks, gates and apps ignore it; delete its tier:… fields if no one meant to write them, or put the tier back in the plan`,
  }));
}

export async function readDrift(client: RedisClient, keys: StateKeys, plan: Plan, cwd: string): Promise<DriftReport> {
  const [{ hash, state }, changes, { instances }] = await Promise.all([readState(client, keys), stateChanges(client, keys), readInstances(client, keys)]);
  const path = plan.sinks.dotenv?.path;
  const report = driftFindings({
    state,
    hash,
    changes,
    instances,
    dotenv: path ? { path, values: await readSink(path, cwd) } : null,
    expectedSink: sinkValues(plan, state),
  });
  const unknown = unknownTierFindings(plan, state, keys.state);
  return unknown.length ? { ...report, ok: false, findings: [...report.findings, ...unknown] } : report;
}
