/** `report --html FILE [--samples N] [--no-checks]`: see src/usecases/html-report.ts. */
import type { CommandContext } from '../cli/context.js';
import type { Outcome } from '../cli/output.js';
import { UsageError } from '../errors.js';
import { writeHtmlReport, type ReportCommandReport } from '../usecases/html-report.js';

export interface ReportOptions {
  html?: string;
  samples: string;
  checks: boolean;
}

export async function run(ctx: CommandContext, options: ReportOptions): Promise<Outcome<ReportCommandReport>> {
  if (!options.html) throw new UsageError('usage.missing-option', 'report needs --html FILE', { fix: 'redis-migrate report --html migration-report.html' });
  const samples = Number(options.samples);
  if (!Number.isInteger(samples) || samples < 1)
    throw new UsageError('option.samples', `invalid --samples "${options.samples}"`, { fix: 'give a positive whole number' });
  return { report: await writeHtmlReport(ctx, await ctx.plan(), { file: options.html, samples, checks: options.checks }) };
}
