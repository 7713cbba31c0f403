/**
 * `loadtest --jobs N [--tier T] [--concurrency C] [--rate R]`: N synthetic jobs through BullMQ with
 * in-process workers on an isolated prefix (keys removed afterwards). Reports throughput, latency
 * percentiles, peak connections, server-side commands per job and failures; exit 3 on failures.
 */
import type { CommandContext } from '../cli/context.js';
import { parseWait } from '../cli/context.js';
import type { Outcome } from '../cli/output.js';
import type { Report } from './report.js';
import { EXIT, UsageError } from '../errors.js';
import { CONNECTION_NAME_PREFIX } from '../state/keys.js';
import type { LoadtestResult } from '../synthetic/loadtest-run.js';
import { countPrefixKeys, isolatedPrefix, removePrefixKeys } from '../synthetic/prefix.js';
import { resolveTier, tierNames } from '../plan/tier-name.js';

export interface LoadtestOptions {
  jobs: string;
  tier?: string;
  concurrency: string;
  rate?: string;
  deadline: string;
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

function positive(name: string, text: string | undefined, integer: boolean): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new UsageError('option.invalid', `invalid --${name} "${text}"`, { fix: `give a positive ${integer ? 'whole ' : ''}number` });
  }
  return value;
}

export async function run(ctx: CommandContext, options: LoadtestOptions): Promise<Outcome<LoadtestReport>> {
  const jobs = positive('jobs', options.jobs, true) as number;
  const concurrency = positive('concurrency', options.concurrency, true) as number;
  const rate = positive('rate', options.rate, false);
  const deadlineMs = parseWait(options.deadline);
  const loaded = await ctx.plan();
  const { plan } = loaded;
  const tier = options.tier === undefined ? null : resolveTier(tierNames(plan), options.tier);
  const queues = tier === null ? plan.tiers.flatMap((entry) => entry.queues) : (plan.tiers.find((entry) => entry.name === tier)?.queues ?? []);
  const prefix = isolatedPrefix('loadtest', plan.bullmq.prefix);

  const connection = await ctx.connect('loadtest', loaded, { queues: true });
  // CLIENT LIST and INFO of the node in the URL (on a cluster: that node's share).
  const sampler = await ctx.connect('loadtest-sampler', loaded, { cluster: false });
  const { runLoadtest } = await import('../synthetic/loadtest-run.js');
  const { createProgress } = await import('../cli/progress.js');
  // A bar on a terminal only: no progress lines in CI logs or pipes.
  const tty = (ctx.io.stderr as NodeJS.WriteStream).isTTY === true;
  const progress = createProgress(ctx.io.stderr, tty && !ctx.json ? 'bar' : 'none', 'loadtest', { unit: 'jobs' });
  ctx.log(`loadtest: ${jobs} jobs over ${queues.length} queue(s), concurrency ${concurrency}${rate ? `, ${rate} jobs/s` : ''}, isolated prefix ${prefix}`);
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
  return {
    report: { ok, jobs, tier, queues, concurrency, rate: rate ?? null, prefix, ...result, cleanup: { keysRemoved, keysLeft } },
    exitCode: ok ? EXIT.ok : EXIT.checkFailed,
  };
}
