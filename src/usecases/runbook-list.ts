/** The runbooks available here (./runbooks and those shipped), with their steps, variables and last run. */
import { listRunbooks, loadRunbook } from '../runbook/library.js';
import { readRunLogs } from '../runbook/run-log.js';
import type { Environment } from './environment.js';
import type { Report } from './report.js';

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

/** `dir`: look only in this directory. */
export async function listRunbookSummaries(env: Environment, options: { dir?: string | undefined }): Promise<RunbookListReport> {
  const sources = await listRunbooks(env.cwd, options.dir);
  const logs = await readRunLogs(env.cwd);
  const runbooks = await Promise.all(
    sources.map(async (source) => {
      const last = logs.filter((log) => log.runbook === source.name).sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))[0];
      const lastRun = last ? { id: last.id, status: last.status, updatedAt: last.updatedAt } : null;
      try {
        const { runbook } = await loadRunbook(source.path, env.cwd, options.dir);
        const variables = runbook.variables.map((variable) => ({ name: variable.name, default: variable.default }));
        return {
          name: source.name,
          title: runbook.title,
          path: source.path,
          source: source.source,
          steps: runbook.steps.length,
          variables,
          lastRun,
          error: null,
        };
      } catch (error) {
        return { name: source.name, title: '', path: source.path, source: source.source, steps: 0, variables: [], lastRun, error: (error as Error).message };
      }
    }),
  );
  return { ok: runbooks.every((entry) => entry.error === null), runbooks };
}
