/** Human text for `audit`. */
import type { AuditReport } from '../../usecases/audit.js';
import { chalk, table, timestamp } from '../format.js';
import { movesText } from '../../state/model.js';

function changeText(before: Record<string, string>, after: Record<string, string>, details: Record<string, unknown>): string {
  const fields = Object.keys(after)
    .filter((field) => !field.endsWith(':queues'))
    .map((field) => `${field} ${before[field] || '-'}→${after[field]}`)
    .join(', ');
  const moved =
    Array.isArray(details.moved) && details.moved.length ? ` (moved: ${movesText(details.moved as { tier: string; to: 'legacy' | 'bullmq' }[])})` : '';
  return fields && fields + moved;
}

export function render(report: AuditReport): string {
  if (report.entries.length === 0) return `No audit entries yet in namespace "${report.namespace}".`;
  const rows = report.entries.map((entry) => [
    timestamp(entry.time),
    entry.kind === 'rollback' ? chalk.yellow(entry.kind) : entry.kind === 'forced' ? chalk.red(entry.kind) : entry.kind,
    entry.version === null ? '' : `v${entry.version}`,
    entry.actor,
    entry.command,
    changeText(entry.before, entry.after, entry.details) ||
      (entry.details.failures ? `failed: ${(entry.details.failures as string[]).join('; ')}` : '') ||
      // Entries that change no flag (cleanup, restore, runbook steps) carry a one-line summary.
      (typeof entry.details.summary === 'string' ? entry.details.summary : ''),
    entry.reason ? `"${entry.reason}"` : '',
  ]);
  return [
    `Audit trail, namespace "${report.namespace}": newest ${report.entries.length} of ${report.total}`,
    table([['TIME', 'KIND', 'VER', 'ACTOR', 'COMMAND', 'CHANGE', 'REASON'], ...rows]),
  ].join('\n');
}
