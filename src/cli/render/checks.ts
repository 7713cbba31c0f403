/** Check results as an aligned table with the fix under each one that did not pass. */
import type { CheckResult, CheckStatus } from '../../checks/types.js';
import { chalk } from '../format.js';

const STATUS_COLOR: Record<CheckStatus, (text: string) => string> = {
  pass: chalk.green,
  warn: chalk.yellow,
  fail: chalk.red,
  skip: chalk.dim,
};

export function renderCheckResults(results: readonly CheckResult[]): string {
  const width = Math.max(...results.map((result) => result.id.length), 5);
  const lines: string[] = [];
  for (const result of results) {
    const status = STATUS_COLOR[result.status](result.status.padEnd(4));
    lines.push(`  ${status}  ${result.id.padEnd(width)}  ${result.message}`);
    if (result.fix && result.status !== 'pass') lines.push(`        ${' '.repeat(width)}  ${chalk.dim('fix:')} ${result.fix}`);
  }
  return lines.join('\n');
}

export function checkCounts(results: readonly CheckResult[]): string {
  const count = (status: CheckStatus) => results.filter((result) => result.status === status).length;
  return `${count('pass')} pass, ${count('warn')} warn, ${count('fail')} fail, ${count('skip')} skip`;
}
