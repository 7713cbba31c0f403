/** Human text for `phase3 restore`. */
import type { RestoreReport } from '../../commands/phase3-restore.js';
import { chalk } from '../format.js';

export function render(report: RestoreReport): string {
  const n = (value: number) => value.toLocaleString('en-US');
  const lines = [
    chalk.bold(`phase3 restore ${report.file}`),
    `Backup of ${report.backup.queues.join(', ')} under "${report.backup.legacyPrefix}:", taken ${new Date(report.backup.createdAt).toISOString()} from ${report.backup.source}`,
    `Restored ${chalk.bold(n(report.restored))} key(s)${report.identical ? `; ${n(report.identical)} already present with the same value` : ''}${report.expired ? `; ${n(report.expired)} expired since the backup (skipped)` : ''}.`,
  ];
  if (report.conflicts.count) {
    lines.push(chalk.red(`${n(report.conflicts.count)} conflict(s): the key exists with another value and was left alone (--replace overwrites):`));
    for (const key of report.conflicts.sample) lines.push(`  ${key}`);
    if (report.conflicts.count > report.conflicts.sample.length) lines.push(`  … and ${n(report.conflicts.count - report.conflicts.sample.length)} more`);
  }
  if (report.invalidLines.count) {
    lines.push(chalk.yellow(`${n(report.invalidLines.count)} unreadable line(s) skipped (a truncated last line is normal after an interrupted cleanup):`));
    for (const line of report.invalidLines.sample) lines.push(`  ${line}`);
  }
  return lines.join('\n');
}
