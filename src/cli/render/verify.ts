/** Human text for `verify`. */
import type { QueueVerifyReport } from '../../usecases/verify.js';
import { chalk, heading } from '../format.js';

export function render(report: QueueVerifyReport): string {
  const lines = [heading(`Verify tier "${report.tier}"`) + chalk.dim(`  (isolated prefix ${report.prefix}, ${report.durationMs} ms)`), ''];
  for (const queue of report.queues) {
    lines.push(`  ${queue.ok ? chalk.green('pass') : chalk.red('FAIL')}  ${queue.queue}  ${chalk.dim(`${queue.durationMs} ms`)}`);
    for (const check of queue.checks) lines.push(`        ${check.ok ? chalk.green('✓') : chalk.red('✗')} ${check.name}: ${check.detail}`);
  }
  const { keysRemoved, keysLeft } = report.cleanup;
  lines.push('', `  cleanup: ${keysRemoved} key(s) removed${keysLeft ? chalk.red(`, ${keysLeft} left under ${report.prefix}`) : ', nothing left'}`);
  const failed = report.queues.filter((queue) => !queue.ok).length;
  lines.push(report.ok ? chalk.green(`  all ${report.queues.length} queue(s) pass`) : chalk.red(`  ${failed} of ${report.queues.length} queue(s) failed`));
  return lines.join('\n');
}
