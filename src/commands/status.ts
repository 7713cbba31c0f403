/** `status`: see src/usecases/status.ts. Exit 4 on drift. */
import type { CommandContext } from '../cli/context.js';
import type { Outcome } from '../cli/output.js';
import { EXIT } from '../errors.js';
import { readStatus, type StatusReport } from '../usecases/status.js';

export async function run(ctx: CommandContext): Promise<Outcome<StatusReport>> {
  const report = await readStatus(ctx, await ctx.plan());
  return { report, exitCode: report.ok ? EXIT.ok : EXIT.drift };
}
