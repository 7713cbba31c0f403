/**
 * `loadtest --jobs N [--tier T] [--concurrency C] [--rate R] [--deadline D]`: see
 * src/usecases/loadtest.ts. A progress bar on a terminal only; exit 3 on failures.
 */
import type { CommandContext } from '../cli/context.js';
import { parseWait } from '../cli/context.js';
import type { Outcome } from '../cli/output.js';
import { createProgress } from '../cli/progress.js';
import { EXIT, UsageError } from '../errors.js';
import { resolveTier, tierNames } from '../plan/tier-name.js';
import { loadtestQueues, type LoadtestReport } from '../usecases/loadtest.js';

export interface LoadtestOptions {
  jobs: string;
  tier?: string;
  concurrency: string;
  rate?: string;
  deadline: string;
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
  const tier = options.tier === undefined ? null : resolveTier(tierNames(loaded.plan), options.tier);
  // A bar on a terminal only: no progress lines in CI logs or pipes.
  const tty = (ctx.io.stderr as NodeJS.WriteStream).isTTY === true;
  const report = await loadtestQueues(ctx, loaded, {
    jobs,
    tier,
    concurrency,
    rate,
    deadlineMs,
    progress: () => createProgress(ctx.io.stderr, tty && !ctx.json ? 'bar' : 'none', 'loadtest', { unit: 'jobs' }),
  });
  return { report, exitCode: report.ok ? EXIT.ok : EXIT.checkFailed };
}
