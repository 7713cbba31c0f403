/** Baselines: what was measured when a phase step started, kept so later numbers have a reference. */
import type { RedisClient } from '../redis/client.js';
import { serverTimeMs } from '../redis/client.js';
import type { StateKeys } from './keys.js';

export interface Baseline {
  step: string;
  /** Server time, ms. */
  at: number;
  /** Client connections the server reported (CLIENT LIST), this tool's own excluded. */
  connections: number;
  /** Extra measurements (by role, commands per second...) added by the observe commands. */
  [extra: string]: unknown;
}

/** CLIENT LIST lines minus this tool's own connections (which are not the app's). */
export function countAppConnections(clientList: string): number {
  return clientList.split('\n').filter((line) => line.startsWith('id=') && !/ name=redis-migrate:cli:/.test(line)).length;
}

/** Record the baseline of `step` unless one exists: the first measurement is the reference. */
export async function recordBaseline(client: RedisClient, keys: StateKeys, step: string, extra: Record<string, unknown> = {}): Promise<Baseline> {
  const [list, at] = await Promise.all([client.client('LIST') as Promise<string>, serverTimeMs(client)]);
  const baseline: Baseline = { step, at, connections: countAppConnections(String(list)), ...extra };
  const created = await client.hsetnx(keys.baselines, step, JSON.stringify(baseline));
  if (Number(created) === 1) return baseline;
  return JSON.parse((await client.hget(keys.baselines, step)) as string) as Baseline;
}

export async function readBaselines(client: RedisClient, keys: StateKeys): Promise<Baseline[]> {
  const hash = (await client.hgetall(keys.baselines)) as Record<string, string>;
  return Object.values(hash)
    .map((json) => JSON.parse(json) as Baseline)
    .sort((a, b) => a.at - b.at);
}
