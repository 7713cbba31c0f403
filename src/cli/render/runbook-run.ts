/** Human text for `runbook run`: each step's status, and the failure with its output. */
import type { RunbookRunReport } from '../../usecases/runbook-run.js';
import { formatDuration } from '../../plan/duration.js';
import { chalk, table } from '../format.js';

const STATUS: Record<string, (text: string) => string> = {
  done: chalk.green,
  failed: chalk.red,
  interrupted: chalk.yellow,
  skipped: chalk.dim,
  pending: chalk.dim,
};

export function render(report: RunbookRunReport): string {
  const lines = [chalk.bold(`Runbook ${report.runbook}, run ${report.run}${report.resumed ? ' (resumed)' : ''}`)];
  lines.push(
    table([
      ['STEP', 'KIND', 'STATUS', 'EXIT', 'TIME', 'TITLE'],
      ...report.steps.map((step) => [
        step.id,
        step.kind,
        (STATUS[step.status] ?? String)(step.status),
        step.exitCode === null ? '' : String(step.exitCode),
        step.durationMs === null ? '' : formatDuration(step.durationMs),
        step.title,
      ]),
    ]),
  );
  if (report.failed) {
    lines.push(
      chalk.red(
        `Stopped at step "${report.failed.step}"${report.failed.exitCode !== null ? ` (exit code ${report.failed.exitCode})` : ''}. Its output ended with:`,
      ),
    );
    lines.push(
      ...report.failed.excerpt
        .trimEnd()
        .split('\n')
        .slice(-20)
        .map((line) => `  ${line}`),
    );
    lines.push(`Fix the cause, then run \`redis-migrate runbook run ${report.runbook}\` again: it resumes at "${report.failed.step}".`);
  } else if (report.completed) {
    lines.push(chalk.green('All steps done.'));
  }
  for (const warning of report.warnings) lines.push(chalk.yellow(`warning: ${warning}`));
  lines.push(chalk.dim(`Run log: ${report.log}`));
  return lines.join('\n');
}
