/**
 * Live connections by role, queue and tier (every node of a cluster), against the baselines
 * recorded when each phase step started, the budget the plan predicts for the current step, and
 * the plan's target: one reading, or a reading every interval until interrupted.
 */
import type { LoadedPlan } from '../plan/load-plan.js';
import { connectionBudget, currentBudgetStep } from '../plan/budget.js';
import { serverTimeMs, type RedisClient } from '../redis/client.js';
import { parseRedisUrl } from '../redis/url.js';
import { sleep } from '../sleep.js';
import { readBaselines } from '../state/baselines.js';
import { readState } from '../state/flag-store.js';
import type { StateKeys } from '../state/keys.js';
import { effectiveBullmqTiers } from '../state/model.js';
import { takeConnectionSnapshot } from '../observe/take-snapshot.js';
import type { ConnectionSnapshot } from '../observe/snapshot.js';
import type { Environment } from './environment.js';
import type { Report } from './report.js';

export interface BaselineComparison {
  step: string;
  at: number;
  connections: number;
  /** Now minus then (app connections). */
  delta: number;
}

export interface ConnectionsReport extends Report, ConnectionSnapshot {
  redis: string;
  /** Server time of the reading, ms. */
  at: number;
  /** The budget step the state is at, with what the plan's topology predicts for it. */
  step: { id: string; label: string; predicted: number; peak: number };
  baselines: BaselineComparison[];
  target: { connections: number | null; delta: number | null; met: boolean | null };
  /** Human output lists every connection (the JSON always does). */
  list: boolean;
}

async function takeReading(client: RedisClient, loaded: LoadedPlan, keys: StateKeys, redis: string, list: boolean): Promise<ConnectionsReport> {
  const { plan } = loaded;
  const [snapshot, { state }, baselines, at] = await Promise.all([
    takeConnectionSnapshot(client, plan),
    readState(client, keys),
    readBaselines(client, keys),
    serverTimeMs(client),
  ]);
  const budget = connectionBudget(plan);
  const step = currentBudgetStep(budget, {
    useHttpRedis: state.useHttpRedis,
    bullmqTiers: effectiveBullmqTiers(
      state,
      plan.tiers.map((tier) => tier.name),
    ),
  });
  const target = plan.target.connections ?? null;
  const { connections, cluster, nodes, ...summary } = snapshot;
  return {
    ok: true,
    redis,
    at,
    ...summary,
    cluster,
    nodes,
    step: { id: step.id, label: step.label, predicted: step.steady, peak: step.peak },
    baselines: baselines.map((baseline) => ({
      step: baseline.step,
      at: baseline.at,
      connections: baseline.connections,
      delta: snapshot.app - baseline.connections,
    })),
    target: { connections: target, delta: target === null ? null : snapshot.app - target, met: target === null ? null : snapshot.app <= target },
    list,
    connections: [...connections].sort((a, b) => (a.node ?? '').localeCompare(b.node ?? '') || Number(a.id) - Number(b.id)),
  };
}

export interface ConnectionsRequest {
  /** The human output lists every connection (the JSON always does). */
  list: boolean;
}

export interface WatchRequest extends ConnectionsRequest {
  intervalMs: number;
  /** Each reading, as it is taken (the last one is also returned). */
  onReading(report: ConnectionsReport): void;
}

async function open(env: Environment, loaded: LoadedPlan, reconnect: boolean) {
  const keys = env.keys(loaded);
  const redis = parseRedisUrl(env.redisUrl(loaded)).display;
  return { keys, redis, client: await env.connect('connections', loaded, { reconnect }) };
}

/** One reading. */
export async function readConnections(env: Environment, loaded: LoadedPlan, options: ConnectionsRequest): Promise<ConnectionsReport> {
  const { keys, redis, client } = await open(env, loaded, false);
  return takeReading(client, loaded, keys, redis, options.list);
}

/** A reading every interval until the environment is interrupted; returns the last one. */
export async function watchConnections(env: Environment, loaded: LoadedPlan, options: WatchRequest): Promise<ConnectionsReport> {
  const { keys, redis, client } = await open(env, loaded, true);
  const { signal, dispose } = env.interruptSignal();
  let report = await takeReading(client, loaded, keys, redis, options.list);
  try {
    while (!signal.aborted) {
      options.onReading(report);
      await sleep(options.intervalMs, signal);
      if (signal.aborted) break;
      report = await takeReading(client, loaded, keys, redis, options.list);
    }
  } finally {
    dispose();
  }
  return report;
}
