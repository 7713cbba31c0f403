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
import { driftFindings, type DriftFinding, type DriftReport } from './drift.js';
import { recordedBullmqTiers, unknownTiers, type FlagState } from './model.js';

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
  const tiers = recordedBullmqTiers(state, plan.tiers.map((tier) => tier.name));
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

/** A tier name only Redis knows is refused everywhere; here it is reported (JSON-quoted: it may hold anything). */
function unknownTierFindings(plan: Plan, state: FlagState, stateKey: string): DriftFinding[] {
  return unknownTiers(state, plan.tiers.map((tier) => tier.name)).map((name) => ({
    source: 'plan',
    message: `${stateKey} has a field for tier ${JSON.stringify(name)} (${state.tiers[name]?.state}), which the plan does not have: sinks, gates and apps ignore it; delete its tier:… fields if no one meant to write them, or put the tier back in the plan`,
  }));
}

export async function readDrift(client: RedisClient, keys: StateKeys, plan: Plan, cwd: string): Promise<DriftReport> {
  const [{ hash, state }, change, { instances }] = await Promise.all([readState(client, keys), lastChange(client, keys), readInstances(client, keys)]);
  const path = plan.sinks.dotenv?.path;
  const report = driftFindings({
    state,
    hash,
    lastChange: change,
    instances,
    dotenv: path ? { path, values: await readSink(path, cwd) } : null,
    expectedSink: expectedSink(plan, state),
  });
  const unknown = unknownTierFindings(plan, state, keys.state);
  return unknown.length ? { ...report, ok: false, findings: [...report.findings, ...unknown] } : report;
}
