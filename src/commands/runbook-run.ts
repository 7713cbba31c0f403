/** `runbook run NAME`: run the steps in order, with evidence (see src/usecases/runbook-run.ts). */
import type { CommandContext } from '../cli/context.js';
import type { Outcome } from '../cli/output.js';
import { EXIT } from '../errors.js';
import { loadRunbook } from '../runbook/library.js';
import { parseVarOptions } from '../runbook/plan-steps.js';
import { runRunbook, type RunbookRunReport } from '../usecases/runbook-run.js';

export interface RunbookRunCommandOptions {
  args: string[];
  dir?: string;
  var?: string[];
  from?: string;
  confirmManual?: string[];
  restart?: boolean;
}

export async function run(ctx: CommandContext, options: RunbookRunCommandOptions): Promise<Outcome<RunbookRunReport>> {
  const loaded = await loadRunbook(options.args[0] ?? '', ctx.io.cwd, options.dir);
  const { report, failed } = await runRunbook(ctx, loaded, {
    vars: parseVarOptions(options.var ?? []),
    from: options.from,
    confirmManual: options.confirmManual ?? [],
    restart: Boolean(options.restart),
  });
  return { report, exitCode: failed ? EXIT.checkFailed : EXIT.ok };
}
