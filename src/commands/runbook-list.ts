/** `runbook list [--dir PATH]`: see src/usecases/runbook-list.ts. */
import type { CommandContext } from '../cli/context.js';
import type { Outcome } from '../cli/output.js';
import { listRunbookSummaries, type RunbookListReport } from '../usecases/runbook-list.js';

export async function run(ctx: CommandContext, options: { dir?: string }): Promise<Outcome<RunbookListReport>> {
  return { report: await listRunbookSummaries(ctx, { dir: options.dir }) };
}
