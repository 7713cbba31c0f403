/**
 * A load test: N synthetic jobs through BullMQ with in-process workers on an isolated prefix (keys
 * removed afterwards). Reports throughput, latency percentiles, peak connections, server-side
 * commands per job and failures; `ok` is false on failures.
 */
import type { LoadedPlan } from '../plan/load-plan.js';
import { CONNECTION_NAME_PREFIX } from '../state/keys.js';
import type { LoadtestResult } from '../synthetic/loadtest-run.js';
import { countPrefixKeys, isolatedPrefix, removePrefixKeys } from '../synthetic/prefix.js';
import type { Environment, Progress } from './environment.js';
import type { Report } from './report.js';

export interface LoadtestRequest {
  jobs: number;
  /** Only this tier's queues (a tier of the plan); null: every queue of the plan. */
  tier: string | null;
  /** Worker concurrency per queue. */
  concurrency: number;
  /** Jobs per second; undefined: as fast as possible. */
  rate?: number | undefined;
  /** Give up waiting for completions after this, ms. */
  deadlineMs: number;
  /** Live progress (jobs done), created when the jobs start. */
  progress?(): Progress;
}

export interface LoadtestReport extends Report, LoadtestResult {
  jobs: number;
  tier: string | null;
  queues: string[];
  concurrency: number;
  rate: number | null;
  prefix: string;
  cleanup: { keysRemoved: number; keysLeft: number };
}

export async function loadtestQueues(env: Environment, loaded: LoadedPlan, options: LoadtestRequest): Promise<LoadtestReport> {
  const { jobs, tier, concurrency, rate, deadlineMs } = options;
  const { plan } = loaded;
  const queues = tier === null ? plan.tiers.flatMap((entry) => entry.queues) : (plan.tiers.find((entry) => entry.name === tier)?.queues ?? []);
  const prefix = isolatedPrefix('loadtest', plan.bullmq.prefix);

  const connection = await env.connect('loadtest', loaded, { queues: true });
  // CLIENT LIST and INFO of the node in the URL (on a cluster: that node's share).
  const sampler = await env.connect('loadtest-sampler', loaded, { cluster: false });
  const { runLoadtest } = await import('../synthetic/loadtest-run.js');
  const progress = options.progress?.() ?? { update: () => undefined, finish: () => undefined };
  env.log(`loadtest: ${jobs} jobs over ${queues.length} queue(s), concurrency ${concurrency}${rate ? `, ${rate} jobs/s` : ''}, isolated prefix ${prefix}`);
  let result: LoadtestResult;
  let keysRemoved = 0;
  try {
    result = await runLoadtest(connection, sampler, `${CONNECTION_NAME_PREFIX.cli}loadtest-sampler`, {
      jobs,
      queues,
      concurrency,
      rate,
      prefix,
      deadlineMs,
      connectionName: `${CONNECTION_NAME_PREFIX.cli}loadtest`,
      onProgress: (done, total) => progress.update(done, total ? done / total : null),
    });
  } finally {
    progress.finish();
    keysRemoved = await removePrefixKeys(sampler, prefix);
  }
  const keysLeft = await countPrefixKeys(sampler, prefix);
  const ok = result.completed === jobs && result.failed === 0 && keysLeft === 0;
  return { ok, jobs, tier, queues, concurrency, rate: rate ?? null, prefix, ...result, cleanup: { keysRemoved, keysLeft } };
}
