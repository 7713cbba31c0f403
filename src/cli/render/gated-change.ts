/** Human text for phase1 and phase2: the preflight checks, then the change (or why nothing changed). */
import type { GatedChangeReport } from '../../usecases/gate-checks.js';
import { chalk, heading } from '../format.js';
import { render as renderChange } from './change.js';
import { checkCounts, renderCheckResults } from './checks.js';

export function render(report: GatedChangeReport): string {
  const lines = [heading(`Preflight checks (${checkCounts(report.checks)})`), renderCheckResults(report.checks), ''];
  if (!report.blocked) return [...lines, renderChange(report)].join('\n');
  const failed = report.checks.filter((check) => check.status === 'fail').map((check) => check.id);
  lines.push(chalk.red(chalk.bold(`${report.command}: blocked by ${failed.length} failing check(s) (${failed.join(', ')}); nothing was changed.`)));
  lines.push('Fix them and run it again, or pass them with --force --reason "..." (audited).');
  // The change renderer's first line speaks of a dry run; the rest (what would change, flags) applies.
  lines.push(...renderChange(report).split('\n').slice(1));
  return lines.join('\n');
}
