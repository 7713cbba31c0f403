/** `phase3 restore FILE [--replace] [--allow-unverified] [--batch N]`: see src/usecases/phase3-restore.ts. Exit 3 on conflicts. */
import type { CommandContext } from '../cli/context.js';
import type { Outcome } from '../cli/output.js';
import { EXIT, UsageError } from '../errors.js';
import { restoreBackup, type RestoreReport } from '../usecases/phase3-restore.js';

export interface RestoreOptions {
  args: string[];
  replace?: boolean;
  allowUnverified?: boolean;
  batch: string;
}

export async function run(ctx: CommandContext, options: RestoreOptions): Promise<Outcome<RestoreReport>> {
  const file = options.args[0];
  if (!file) throw new UsageError('usage.missingArgument', 'phase3 restore needs the backup FILE', { fix: 'redis-migrate phase3 restore backup.ndjson --yes' });
  const batch = Number(options.batch);
  if (!Number.isInteger(batch) || batch < 1)
    throw new UsageError('option.batch', `invalid --batch "${options.batch}"`, { fix: 'give a positive whole number' });
  const report = await restoreBackup(ctx, await ctx.plan(), {
    file,
    replace: Boolean(options.replace),
    allowUnverified: Boolean(options.allowUnverified),
    batch,
  });
  return { report, exitCode: report.ok ? EXIT.ok : EXIT.checkFailed };
}
