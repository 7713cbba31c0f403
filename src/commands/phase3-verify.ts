/** `phase3 verify [--window D]`: see src/usecases/phase3-verify.ts. Exit 3 with what is missing. */
import type { CommandContext } from '../cli/context.js';
import { parseWait } from '../cli/context.js';
import type { Outcome } from '../cli/output.js';
import { EXIT, UsageError } from '../errors.js';
import { verifyEndOfMigration, type EndStateVerifyReport } from '../usecases/phase3-verify.js';

export interface VerifyOptions {
  window: string;
}

export async function run(ctx: CommandContext, options: VerifyOptions): Promise<Outcome<EndStateVerifyReport>> {
  const windowMs = parseWait(options.window);
  if (windowMs < 1000)
    throw new UsageError('option.window', `--window ${options.window} is too short to measure a command rate`, { fix: 'use at least 1s (default 30s)' });
  const report = await verifyEndOfMigration(ctx, await ctx.plan(), { windowMs });
  return { report, exitCode: report.ok ? EXIT.ok : EXIT.checkFailed };
}
