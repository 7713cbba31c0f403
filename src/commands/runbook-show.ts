/** `runbook show NAME [--dir PATH] [--var name=value]`: see src/usecases/runbook-show.ts. */
import type { CommandContext } from '../cli/context.js';
import type { Outcome } from '../cli/output.js';
import { parseVarOptions } from '../runbook/plan-steps.js';
import { showRunbook, type RunbookShowReport } from '../usecases/runbook-show.js';

export async function run(ctx: CommandContext, options: { args: string[]; dir?: string; var?: string[] }): Promise<Outcome<RunbookShowReport>> {
  return { report: await showRunbook(ctx, { name: options.args[0] ?? '', dir: options.dir, vars: parseVarOptions(options.var ?? []) }) };
}
