/** Helpers for tests that run the reference fleet against a real redis-server. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { backlogKeys } from '../../src/adapters/queues/naming.js';
import { defaultPlanDocument } from '../../src/plan/default-plan.js';

/** The default plan with short soak windows, written to a temporary file. */
export function shortSoakPlan(namespace: string, soak = '2s'): { path: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'fleet-plan-'));
  const document = defaultPlanDocument() as { tiers: { soak: string; watch?: string }[] } & Record<string, unknown>;
  document.namespace = namespace;
  for (const tier of document.tiers) {
    tier.soak = soak;
    delete tier.watch;
  }
  const path = join(dir, 'redis-migrate.config.json');
  writeFileSync(path, JSON.stringify(document, null, 2));
  return { path, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Unfinished jobs per queue and system, read straight from the keyspace. */
export async function backlogByKey(client: Redis, system: 'bull' | 'bullmq', prefix: string, queue: string): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const [kind, key] of backlogKeys(system, prefix, queue)) {
    const members = kind === 'list' ? await client.lrange(key, 0, -1) : await client.zrange(key, 0, -1);
    if (members.length) out[key] = members;
  }
  return out;
}

/** One reference-fleet process (examples/fleet) as a child, ready; tests reach the fleet only through this. */
export async function startFleetProcess(name: string, env: Record<string, string>): Promise<{ stop(): Promise<number | null>; kill(): Promise<void> }> {
  const [{ forkFleet }, { Ledger }] = await Promise.all([import('../../examples/fleet/supervisor.js'), import('../../examples/fleet/ledger.js')]);
  const child = forkFleet({ name, env, ledger: new Ledger(2000) });
  try {
    await child.ready;
  } catch (error) {
    await child.kill();
    throw error;
  }
  return { stop: () => child.stop(), kill: () => child.kill() };
}
