/**
 * `connections [--watch]`: live connections by role, queue and tier (every node of a cluster),
 * against the baselines recorded when each phase step started, the budget the plan predicts for
 * the current step, and the plan's target. `--watch` redraws until Ctrl-C, then exits 0.
 */
import type { CommandContext } from '../cli/context.js';
import { parseWait } from '../cli/context.js';
import type { Outcome } from '../cli/output.js';
import type { Report } from './report.js';
import { UsageError } from '../errors.js';
import type { LoadedPlan } from '../plan/load-plan.js';
import { connectionBudget, currentBudgetStep } from '../plan/budget.js';
import { serverTimeMs, type RedisClient } from '../redis/client.js';
import { parseRedisUrl } from '../redis/url.js';
import { sleep } from '../sleep.js';
import { readBaselines } from '../state/baselines.js';
import { readState } from '../state/flag-store.js';
import { effectiveBullmqTiers } from '../state/model.js';
import { takeConnectionSnapshot } from '../observe/take-snapshot.js';
import type { ConnectionSnapshot } from '../observe/snapshot.js';

export interface ConnectionsOptions {
  watch?: boolean;
  interval: string;
  list?: boolean;
}

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

export async function readConnections(client: RedisClient, loaded: LoadedPlan, keys: ReturnType<CommandContext['keys']>, redis: string, list: boolean): Promise<ConnectionsReport> {
  const { plan } = loaded;
  const [snapshot, { state }, baselines, at] = await Promise.all([
    takeConnectionSnapshot(client, plan),
    readState(client, keys),
    readBaselines(client, keys),
    serverTimeMs(client),
  ]);
  const budget = connectionBudget(plan);
  const step = currentBudgetStep(budget, { useHttpRedis: state.useHttpRedis, bullmqTiers: effectiveBullmqTiers(state, plan.tiers.map((tier) => tier.name)) });
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

export async function run(ctx: CommandContext, options: ConnectionsOptions): Promise<Outcome<ConnectionsReport>> {
  const intervalMs = parseWait(options.interval);
  if (options.watch && ctx.json) {
    throw new UsageError('usage.conflict', '--watch redraws for people and --json prints one document', {
      fix: 'drop --watch for one JSON reading, or use `redis-migrate monitor --ndjson` for a stream',
    });
  }
  if (options.watch && intervalMs < 100) throw new UsageError('option.interval', `--interval ${options.interval} is too short`, { fix: 'use at least 100ms' });
  const loaded = await ctx.plan();
  const keys = ctx.keys(loaded);
  const redis = parseRedisUrl(ctx.redisUrl(loaded)).display;
  const client = await ctx.connect('connections', loaded, { reconnect: Boolean(options.watch) });
  const list = Boolean(options.list);
  if (!options.watch) return { report: await readConnections(client, loaded, keys, redis, list) };

  const { render } = await import('../cli/render/connections.js');
  const stdout = ctx.io.stdout as NodeJS.WriteStream;
  const tty = stdout.isTTY === true;
  const { signal, dispose } = ctx.interruptSignal();
  let report = await readConnections(client, loaded, keys, redis, list);
  try {
    while (!signal.aborted) {
      // Cursor home + clear below: redraw in place without scrolling on a terminal.
      stdout.write(`${tty ? '\u001b[H\u001b[J' : ''}${render(report)}\n${tty ? '' : '\n'}`);
      await sleep(intervalMs, signal);
      if (signal.aborted) break;
      report = await readConnections(client, loaded, keys, redis, list);
    }
  } finally {
    dispose();
  }
  // Ctrl-C is how a watch ends: exit 0 with the last reading as the final output.
  if (tty) stdout.write('\u001b[H\u001b[J');
  return { report };
}
