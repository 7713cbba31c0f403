/** `runbook show NAME`: the runbook as a terminal reads it, steps marked, variables filled in if given. */
import type { CommandContext } from '../cli/context.js';
import type { Outcome } from '../cli/output.js';
import type { Report } from './report.js';
import { loadRunbook } from '../runbook/library.js';
import type { RunbookBlock, RunbookVariable } from '../runbook/parse.js';
import { parseVarOptions, resolveVariables, secretVariables, shownValues } from '../runbook/plan-steps.js';

export interface RunbookShowReport extends Report {
  name: string;
  title: string;
  path: string;
  variables: RunbookVariable[];
  values: Record<string, string>;
  blocks: RunbookBlock[];
}

export async function run(ctx: CommandContext, options: { args: string[]; dir?: string; var?: string[] }): Promise<Outcome<RunbookShowReport>> {
  const loaded = await loadRunbook(options.args[0] ?? '', ctx.io.cwd, options.dir);
  const given = parseVarOptions(options.var ?? []);
  const { runbook } = loaded;
  const values = shownValues(resolveVariables(runbook, given), secretVariables(runbook, given));
  return { report: { ok: true, name: runbook.name, title: runbook.title, path: loaded.path, variables: runbook.variables, values, blocks: runbook.blocks } };
}
