/** `runbook list`: the runbooks available here, with their steps, variables and last run. */
import type { CommandContext } from '../cli/context.js';
import type { Outcome } from '../cli/output.js';
import type { Report } from './report.js';
import { listRunbooks, loadRunbook } from '../runbook/library.js';
import { readRunLogs } from '../runbook/run-log.js';

export interface RunbookListReport extends Report {
  runbooks: {
    name: string;
    title: string;
    path: string;
    source: string;
    steps: number;
    variables: { name: string; default: string | null }[];
    lastRun: { id: string; status: string; updatedAt: string } | null;
    error: string | null;
  }[];
}

export async function run(ctx: CommandContext, options: { dir?: string }): Promise<Outcome<RunbookListReport>> {
  const sources = await listRunbooks(ctx.io.cwd, options.dir);
  const logs = await readRunLogs(ctx.io.cwd);
  const runbooks = await Promise.all(
    sources.map(async (source) => {
      const last = logs.filter((log) => log.runbook === source.name).sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))[0];
      const lastRun = last ? { id: last.id, status: last.status, updatedAt: last.updatedAt } : null;
      try {
        const { runbook } = await loadRunbook(source.path, ctx.io.cwd, options.dir);
        const variables = runbook.variables.map((variable) => ({ name: variable.name, default: variable.default }));
        return { name: source.name, title: runbook.title, path: source.path, source: source.source, steps: runbook.steps.length, variables, lastRun, error: null };
      } catch (error) {
        return { name: source.name, title: '', path: source.path, source: source.source, steps: 0, variables: [], lastRun, error: (error as Error).message };
      }
    }),
  );
  return { report: { ok: runbooks.every((entry) => entry.error === null), runbooks } };
}
