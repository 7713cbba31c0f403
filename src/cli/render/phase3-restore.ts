/** Human text for `phase3 restore`. */
import type { RestoreReport } from '../../usecases/phase3-restore.js';
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
  const { status, records, unsealed } = report.verification;
  if (status === 'interrupted-cleanup')
    lines.push(chalk.yellow(`The backup of an interrupted cleanup run: verified up to record ${n(records)}, which covers every key it deleted.`));
  if (status === 'unverified') lines.push(chalk.yellow('Restored without verification (--allow-unverified): the file may be incomplete.'));
  if (unsealed) lines.push(chalk.dim(`${n(unsealed)} record(s) after the last checkpoint were left out: a write cut short, whose keys were never deleted.`));
  return lines.join('\n');
}
