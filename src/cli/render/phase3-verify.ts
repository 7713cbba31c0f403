/** Human text for `phase3 verify`: one row per end-state check, the fixes, and what is missing. */
import type { EndStateVerifyReport } from '../../usecases/phase3-verify.js';
import type { CheckStatus } from '../../checks/types.js';
import { chalk, heading, table } from '../format.js';

const MARK: Record<CheckStatus, string> = { pass: 'PASS', warn: 'WARN', fail: 'FAIL', skip: 'SKIP' };
const COLOUR: Record<CheckStatus, (text: string) => string> = { pass: chalk.green, warn: chalk.yellow, fail: chalk.red, skip: chalk.dim };

export function render(report: EndStateVerifyReport): string {
  const lines = [heading(`phase3 verify on ${report.redis}, namespace "${report.namespace}"`)];
  lines.push(table([['STATUS', 'CHECK', 'RESULT'], ...report.checks.map((check) => [COLOUR[check.status](MARK[check.status]), check.id, check.message])]));
  const fixes = report.checks.filter((check) => check.fix && check.status === 'fail');
  if (fixes.length) {
    lines.push('', heading('To finish'));
    for (const check of fixes) lines.push(`  ${chalk.red(check.id)}: ${check.fix}`);
  }
  const s = report.summary;
  lines.push('', `${s.pass} passed, ${s.fail} failed, ${s.skip} skipped`);
  lines.push(report.ok ? chalk.green('The migration is complete: end state verified.') : chalk.red(`Not done yet: ${report.missing.join(', ')}.`));
  return lines.join('\n');
}
