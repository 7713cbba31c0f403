/** Human text for phase1, phase2 and rollback reports. */
import { blockedCauses, blockedFix } from '../../usecases/blocked.js';
import type { ChangeReport } from '../../usecases/change.js';
import { chalk, table } from '../format.js';
import { movesText } from '../../state/model.js';
import { fieldLabel, flagsLine } from './fields.js';

function confirmationLine(report: ChangeReport): string {
  const c = report.confirmations;
  if (c.live === 0) return 'No live app instances (flags SDK) are registered; nothing to confirm.';
  const all = c.unconfirmed.length === 0;
  const text = `${c.confirmed}/${c.live} live app instance(s) on version ${report.version}`;
  const slowest = c.slowestMs !== null ? `, slowest confirmation ${c.slowestMs} ms` : '';
  const pinned = c.killSwitch ? `; ${c.killSwitch} pinned to legacy by their own ${report.flags.names.useBullmq}=false` : '';
  const leftBefore = c.gone.filter((instance) => !instance.confirmed).length;
  const gone = c.gone.length ? `; ${c.gone.length} shut down since${leftBefore ? ` (${leftBefore} before confirming)` : ''}` : '';
  return (all ? chalk.green(text) : chalk.yellow(text)) + slowest + pinned + gone;
}

export function render(report: ChangeReport): string {
  const lines: string[] = [];
  const diff = table([
    ['FLAG', 'BEFORE', 'AFTER'],
    ...Object.keys(report.after)
      .filter((field) => !field.endsWith(':queues'))
      .map((field) => [fieldLabel(field, report.flags.names), report.before[field] || '-', report.after[field] ?? '']),
  ]);
  if (report.blocked) {
    // Every cause at once, each with what to do: the refusal the JSON error document carries too.
    lines.push(chalk.red(chalk.bold(`${report.command}: refused, nothing was changed:`)));
    for (const cause of blockedCauses(report.blocked)) lines.push(chalk.red(`  - ${cause}`));
    lines.push(`fix: ${blockedFix(report.blocked)}`);
    if (Object.keys(report.after).length) lines.push(`Would change:\n${diff}`);
  } else if (report.dryRun) {
    lines.push(chalk.bold(`${report.command} (dry run): nothing was changed.`));
    lines.push(Object.keys(report.after).length ? `Would change:\n${diff}` : 'It would change nothing: the state is already so.');
  } else if (report.changed) {
    lines.push(chalk.bold(`${report.command}: changed (version ${report.version})`), diff);
  } else {
    lines.push(chalk.bold(`${report.command}: nothing to change, the state already is so (version ${report.version}).`));
  }
  if (report.gate && !report.blocked) {
    if (report.gate.forced) lines.push(chalk.yellow(`Gate passed by --force: ${report.gate.message}. Recorded in the audit.`));
    else if (!report.gate.open) lines.push(chalk.yellow(`Gate closed: ${report.gate.message}.`));
    else if (report.gate.previous) lines.push(`Gate open: tier "${report.gate.previous}" has soaked.`);
  }
  if (report.moved.length) lines.push(`${report.dryRun || report.blocked ? 'Would move' : 'Moved'}: ${movesText(report.moved)}`);
  lines.push(`Flags: ${flagsLine(report.flags)}`);
  lines.push(confirmationLine(report));
  for (const instance of report.confirmations.unconfirmed.slice(0, 10)) {
    lines.push(chalk.yellow(`  unconfirmed: ${instance.app} pid ${instance.pid} on ${instance.host} (at version ${instance.version})`));
  }
  if (report.sinks?.dotenv?.ok) lines.push(`Dotenv ${report.sinks.dotenv.path}: ${report.sinks.dotenv.changed ? 'updated' : 'already current'}`);
  for (const run of report.sinks?.hooks ?? []) {
    if (run.ok) lines.push(`Hook ${run.hook} (${run.flag}): ok in ${run.durationMs} ms`);
  }
  for (const note of report.notes) lines.push(`note: ${note}`);
  for (const warning of report.warnings) lines.push(chalk.yellow(`warning: ${warning}`));
  return lines.join('\n');
}
