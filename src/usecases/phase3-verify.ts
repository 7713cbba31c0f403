/**
 * Phase 3 verify: the end state, checked. Reads everything (the command rate over a window first,
 * so this tool's other reads do not count), then applies the pure rules; `missing` names what fails.
 * The result is recorded in the audit trail (the HTML report shows the latest one).
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CheckResult } from '../checks/types.js';
import { tierEligibility } from '../cleanup/eligibility.js';
import { emptyTally, scanNode } from '../cleanup/engine.js';
import { scanPattern } from '../cleanup/legacy-keys.js';
import { AbortedError } from '../errors.js';
import type { LoadedPlan } from '../plan/load-plan.js';
import { readDotenvValues } from '../sinks/dotenv-text.js';
import { sinkValues } from '../sinks/values.js';
import { parseCommandStats, parseInfo } from '../observe/info.js';
import { nodesOf } from '../observe/read-nodes.js';
import { takeConnectionSnapshot } from '../observe/take-snapshot.js';
import { verifyEndState } from '../cleanup/verify-rules.js';
import { serverTimeMs, type RedisClient } from '../redis/client.js';
import { masterNodes } from '../redis/nodes.js';
import { parseRedisUrl } from '../redis/url.js';
import { sleep } from '../sleep.js';
import { appendAudit, readWholeAudit } from '../state/audit.js';
import { readState } from '../state/flag-store.js';
import type { Environment } from './environment.js';
import type { Report } from './report.js';

export interface EndStateVerifyRequest {
  /** How long to measure the idle command rate, ms (1 s at least). */
  windowMs: number;
}

/** `phase3 verify`: the end state of the migration, checked rule by rule. */
export interface EndStateVerifyReport extends Report {
  namespace: string;
  redis: string;
  /** Server time of the verification, ms. */
  at: number;
  checks: CheckResult[];
  summary: Record<CheckResult['status'], number>;
  /** Ids of the failed checks: what is missing. */
  missing: string[];
}

/** Summed `calls` of INFO commandstats over every node. */
async function commandCalls(client: RedisClient): Promise<{ calls: number; nodes: number }> {
  const nodes = nodesOf(client);
  const infos = await Promise.all(nodes.map(({ redis }) => redis.info('commandstats') as Promise<string>));
  let calls = 0;
  for (const info of infos) for (const stat of Object.values(parseCommandStats(parseInfo(String(info))))) calls += stat.calls;
  return { calls, nodes: nodes.length };
}

async function legacyKeyCount(
  client: RedisClient,
  legacyPrefix: string,
  bullmqPrefix: string,
  queues: string[],
): Promise<{ total: number; byQueue: Record<string, number> }> {
  const tally = emptyTally();
  const { cluster, nodes } = masterNodes(client);
  for (const node of nodes) {
    await scanNode(node, '0', tally, {
      scope: { legacyPrefix, bullmqPrefix, queues: new Set(queues) },
      pattern: scanPattern(legacyPrefix, queues),
      batch: 2000,
      mode: 'dry-run',
      cluster,
      onBatch: async () => undefined,
      shouldStop: () => false,
    });
  }
  const byQueue = Object.fromEntries(
    Object.entries(tally.byQueue).map(([queue, kinds]) => [queue, Object.values(kinds).reduce((sum, n) => sum + (n ?? 0), 0)]),
  );
  return { total: tally.keys, byQueue };
}

export async function verifyEndOfMigration(env: Environment, loaded: LoadedPlan, options: EndStateVerifyRequest): Promise<EndStateVerifyReport> {
  const { windowMs } = options;
  const { plan } = loaded;
  const keys = env.keys(loaded);
  const client = await env.connect('verify', loaded);

  // The command rate first, alone: nothing else of ours runs on Redis during the window.
  env.log(`measuring the command rate for ${Math.round(windowMs / 1000)} s…`);
  const before = await commandCalls(client);
  const started = performance.now();
  const { signal, dispose } = env.interruptSignal();
  try {
    await sleep(windowMs, signal);
  } finally {
    dispose();
  }
  if (signal.aborted) throw new AbortedError('verify interrupted while measuring the command rate');
  const after = await commandCalls(client);
  const elapsed = performance.now() - started;
  // The INFO of the first reading is counted by the second one: ours, not the app's.
  const perMinute = Math.max(0, after.calls - before.calls - before.nodes) / (elapsed / 60_000);

  const queues = plan.tiers.flatMap((tier) => tier.queues);
  const [{ hash, state }, now, audit, snapshot, legacyKeys] = await Promise.all([
    readState(client, keys),
    serverTimeMs(client),
    readWholeAudit(client, keys),
    takeConnectionSnapshot(client, plan),
    legacyKeyCount(client, plan.legacy.prefix, plan.bullmq.prefix, queues),
  ]);
  const legacy = snapshot.connections.filter((connection) => connection.system === 'legacy');
  const byRole: Record<string, number> = {};
  for (const connection of legacy) byRole[connection.role] = (byRole[connection.role] ?? 0) + 1;

  let dotenv: { path: string; values: Record<string, string> | null; error?: string } | null = null;
  if (plan.sinks.dotenv) {
    const path = resolve(env.cwd, plan.sinks.dotenv.path);
    try {
      dotenv = { path: plan.sinks.dotenv.path, values: readDotenvValues(await readFile(path, 'utf8')) };
    } catch (error) {
      dotenv = { path: plan.sinks.dotenv.path, values: null, error: (error as Error).message };
    }
  }

  const checks = verifyEndState({
    plan,
    state,
    stateHash: hash,
    tiers: tierEligibility(plan, state, now),
    legacyKeys,
    legacyConnections: {
      total: legacy.length,
      byRole,
      queues: [...new Set(legacy.map((connection) => connection.queue).filter((queue): queue is string => queue !== null))],
    },
    connections: snapshot.app,
    idle: { perMinute, windowMs: Math.round(elapsed) },
    targets: { connections: plan.target.connections ?? null, idleCommandsPerMinute: plan.target.idleCommandsPerMinute ?? null },
    dotenv,
    expectedSinkValues: sinkValues(plan, state),
    audit,
  });
  const summary = { pass: 0, warn: 0, fail: 0, skip: 0 };
  for (const check of checks) summary[check.status]++;
  const missing = checks.filter((check) => check.status === 'fail').map((check) => check.id);
  await appendAudit(client, keys, {
    kind: 'note',
    actor: env.actor,
    command: 'phase3 verify',
    details: {
      summary: `phase3 verify: ${missing.length ? `missing ${missing.join(', ')}` : 'end state verified'}`,
      verify: checks.map(({ id, status, message }) => ({ id, status, message })),
    },
  });
  return { ok: missing.length === 0, namespace: env.namespace(loaded), redis: parseRedisUrl(env.redisUrl(loaded)).display, at: now, checks, summary, missing };
}
