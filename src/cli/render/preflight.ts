/** Human text for `preflight`: one row per check, then the fixes of what did not pass. */
import type { PreflightReport } from '../../usecases/preflight.js';
import type { CheckStatus } from '../../checks/types.js';
import { chalk, heading, table } from '../format.js';

const MARK: Record<CheckStatus, string> = { pass: 'PASS', warn: 'WARN', fail: 'FAIL', skip: 'SKIP' };

function colour(status: CheckStatus, text: string): string {
  if (status === 'pass') return chalk.green(text);
  if (status === 'warn') return chalk.yellow(text);
  if (status === 'fail') return chalk.red(text);
  return chalk.dim(text);
}

export function render(report: PreflightReport): string {
  const scope = [report.phase ? `phase ${report.phase}` : 'all phases', report.tier ? `tier ${report.tier}` : null, report.strict ? 'strict' : null]
    .filter(Boolean)
    .join(', ');
  const lines = [heading(`Preflight (${scope}) on ${report.redis}, namespace "${report.namespace}"`)];
  lines.push(table([['STATUS', 'CHECK', 'RESULT'], ...report.checks.map((check) => [colour(check.status, MARK[check.status]), check.id, check.message])]));
  const fixes = report.checks.filter((check) => check.fix && (check.status === 'fail' || check.status === 'warn'));
  if (fixes.length) {
    lines.push('', heading('To fix'));
    for (const check of fixes) lines.push(`  ${colour(check.status, check.id)}: ${check.fix}`);
  }
  const s = report.summary;
  lines.push('', `${s.pass} passed, ${s.warn} warned, ${s.fail} failed, ${s.skip} skipped${report.junit ? chalk.dim(`  (JUnit: ${report.junit})`) : ''}`);
  lines.push(
    report.ok ? chalk.green('Preflight passed.') : chalk.red(`Preflight failed${report.strict && s.fail === 0 ? ' (warnings count under --strict)' : ''}.`),
  );
  return lines.join('\n');
}
