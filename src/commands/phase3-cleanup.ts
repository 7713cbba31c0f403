/**
 * `phase3 cleanup [--yes] [--dry-run] [--backup FILE] [--force --reason R] [--rate N] [--batch N] [--restart]`:
 * see src/usecases/phase3-cleanup.ts. Without --yes it is a dry run; exit 3 when blockers stop it.
 */
import type { CommandContext } from '../cli/context.js';
import type { Outcome } from '../cli/output.js';
import { createProgress, progressMode } from '../cli/progress.js';
import { EXIT, UsageError } from '../errors.js';
import type { CleanupReport } from '../usecases/cleanup-report.js';
import { cleanLegacyKeys } from '../usecases/phase3-cleanup.js';

export interface CleanupOptions {
  dryRun?: boolean;
  force?: boolean;
  reason?: string;
  backup?: string;
  rate?: string;
  batch: string;
  restart?: boolean;
}

function positiveInt(text: string | undefined, option: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`option.${option}`, `invalid --${option} "${text}"`, { fix: `give a positive whole number` });
  return n;
}

export async function run(ctx: CommandContext, options: CleanupOptions): Promise<Outcome<CleanupReport>> {
  const loaded = await ctx.plan();
  const report = await cleanLegacyKeys(ctx, loaded, {
    mode: ctx.yes && !options.dryRun ? 'delete' : 'dry-run',
    force: Boolean(options.force),
    reason: options.reason,
    backup: options.backup,
    batch: positiveInt(options.batch, 'batch') as number,
    maxRate: positiveInt(options.rate, 'rate'),
    restart: Boolean(options.restart),
    progress: (label) => createProgress(ctx.io.stderr, progressMode(ctx.io.stderr, ctx.json), label),
  });
  return { report, exitCode: report.blocked ? EXIT.checkFailed : EXIT.ok };
}
