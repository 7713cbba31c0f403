/** Human text for `runbook list`. */
import type { RunbookListReport } from '../../usecases/runbook-list.js';
import { chalk, table } from '../format.js';

export function render(report: RunbookListReport): string {
  if (report.runbooks.length === 0) return 'No runbooks found (./runbooks, or the ones shipped with redis-migrate).';
  const rows = report.runbooks.map((entry) => [
    entry.name,
    entry.error ? chalk.red(`invalid: ${entry.error}`) : entry.title,
    String(entry.steps),
    entry.variables.map((variable) => (variable.default === null ? `${variable.name}*` : variable.name)).join(', '),
    entry.lastRun ? `${entry.lastRun.status} ${entry.lastRun.updatedAt.slice(0, 16).replace('T', ' ')}` : '-',
    entry.source,
  ]);
  return [
    table([['NAME', 'TITLE', 'STEPS', 'VARS (* required)', 'LAST RUN', 'FROM'], ...rows]),
    chalk.dim('redis-migrate runbook show NAME · redis-migrate runbook run NAME'),
  ].join('\n');
}
