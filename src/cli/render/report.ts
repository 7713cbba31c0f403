/** Human text for `report`. */
import type { ReportCommandReport } from '../../usecases/html-report.js';
import { chalk } from '../format.js';

export function render(report: ReportCommandReport): string {
  const kb = (report.bytes / 1024).toFixed(0);
  return `${chalk.bold('Report written')} to ${report.file} (${kb} KB): ${report.events} timeline event(s), ${report.samples} monitor sample(s), ${report.checks} check result(s). It is self-contained: open it offline.`;
}
