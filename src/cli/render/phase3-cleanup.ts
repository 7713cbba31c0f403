/** Human text for `phase3 cleanup`. */
import type { CleanupReport } from '../../usecases/cleanup-report.js';
import { formatBytes } from '../../cleanup/summary.js';
import { formatDuration } from '../../plan/duration.js';
import { chalk, table } from '../format.js';

const n = (value: number) => value.toLocaleString('en-US');

export function render(report: CleanupReport): string {
  const lines: string[] = [];
  const title =
    report.mode === 'dry-run'
      ? `phase3 cleanup (dry run): legacy keys under "${report.legacyPrefix}:" of soaked BullMQ tiers`
      : `phase3 cleanup: legacy keys under "${report.legacyPrefix}:"`;
  lines.push(chalk.bold(title));
  lines.push(
    table([
      ['TIER', 'QUEUES', 'CLEANUP'],
      ...report.tiers.map((tier) => [tier.tier, String(tier.queues.length), tier.eligible ? chalk.green('eligible') : chalk.dim(`not yet: ${tier.reason}`)]),
    ]),
  );
  if (report.targets.length > 0 && (report.keys.total > 0 || report.mode === 'dry-run' || report.run)) {
    const kinds = Object.keys(report.keys.byKind).sort();
    const rows = Object.entries(report.keys.byQueue)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([queue, byKind]) => [
        queue,
        n(Object.values(byKind).reduce((sum, v) => sum + (v ?? 0), 0)),
        kinds
          .filter((kind) => byKind[kind as keyof typeof byKind])
          .map((kind) => `${kind} ${n(byKind[kind as keyof typeof byKind] ?? 0)}`)
          .join(', '),
      ]);
    const verb = report.mode === 'dry-run' ? 'to delete' : 'deleted';
    lines.push(
      `Keys ${verb}: ${chalk.bold(n(report.keys.total))}${report.memory ? ` (about ${formatBytes(report.memory.estimatedBytes)}, from ${n(report.memory.sampledKeys)} sampled keys)` : ''}`,
    );
    if (rows.length) lines.push(table([['QUEUE', 'KEYS', 'BY KIND'], ...rows]));
  }
  const kept = Object.entries(report.kept.notTargeted);
  if (kept.length) lines.push(chalk.dim(`Kept (queues not eligible): ${kept.map(([queue, count]) => `${queue} ${n(count)}`).join(', ')}`));
  if (report.kept.foreign) lines.push(chalk.yellow(`Kept: ${n(report.kept.foreign)} BullMQ-shaped key(s) under the legacy prefix`));
  if (report.kept.unknownShape) lines.push(chalk.dim(`Kept: ${n(report.kept.unknownShape)} key(s) of unknown shape under target queues`));
  for (const blocker of report.blockers) {
    const tag = blocker.overridable ? (report.forced ? chalk.yellow('forced') : chalk.red('blocks')) : chalk.red('blocks (cannot be forced)');
    lines.push(`${tag} ${blocker.message}`);
  }
  if (report.blocked) {
    const forceable = report.blockers.every((blocker) => blocker.overridable);
    lines.push(chalk.red(`Cleanup refused.${forceable ? ' Wait for the legacy side to drain, or pass --force --reason "..." (audited).' : ''}`));
  }
  if (report.run) {
    const rate = report.run.durationMs > 0 ? Math.round((report.run.deletedThisRun / report.run.durationMs) * 1000) : 0;
    lines.push(
      `${report.run.resumed ? 'Resumed and finished' : 'Finished'} in ${formatDuration(report.run.durationMs)}: ${n(report.run.deletedThisRun)} keys this run (${n(rate)}/s)` +
        `${report.run.backup ? `, backup in ${report.run.backup}` : ''}.`,
    );
  }
  for (const note of report.notes) lines.push(`note: ${note}`);
  return lines.join('\n');
}
