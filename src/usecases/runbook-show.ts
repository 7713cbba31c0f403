/** One runbook as a reader sees it: its blocks, steps marked, variables filled in where given (secrets masked). */
import { loadRunbook } from '../runbook/library.js';
import type { RunbookBlock, RunbookVariable } from '../runbook/parse.js';
import { resolveVariables, secretVariables, shownValues } from '../runbook/plan-steps.js';
import type { Environment } from './environment.js';
import type { Report } from './report.js';

export interface RunbookShowReport extends Report {
  name: string;
  title: string;
  path: string;
  variables: RunbookVariable[];
  values: Record<string, string>;
  blocks: RunbookBlock[];
}

/** `name`: a runbook name or a path to a .md file; `dir`: look only there; `vars`: values given for its variables. */
export async function showRunbook(
  env: Environment,
  options: { name: string; dir?: string | undefined; vars: Record<string, string> },
): Promise<RunbookShowReport> {
  const loaded = await loadRunbook(options.name, env.cwd, options.dir);
  const given = options.vars;
  const { runbook } = loaded;
  const values = shownValues(resolveVariables(runbook, given), secretVariables(runbook, given));
  return { ok: true, name: runbook.name, title: runbook.title, path: loaded.path, variables: runbook.variables, values, blocks: runbook.blocks };
}
