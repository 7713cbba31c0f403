/** Human text for `scan`: findings grouped by file, then counts by rule, the queues, what was not parsed. */
import type { ScanReport } from '../../usecases/scan.js';
import type { Finding } from '../../scan/findings.js';
import { chalk, heading, table } from '../format.js';

const MARK: Record<Finding['severity'], string> = { error: chalk.red('error'), warning: chalk.yellow('warn '), note: chalk.dim('note ') };

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function render(report: ScanReport): string {
  const lines: string[] = [];
  const byFile = new Map<string, Finding[]>();
  for (const finding of report.findings) byFile.set(finding.file, [...(byFile.get(finding.file) ?? []), finding]);
  for (const [file, findings] of byFile) {
    lines.push(heading(`${file} (${findings.length})`));
    for (const finding of findings) {
      lines.push(
        `  ${String(finding.line).padStart(4)}:${String(finding.column).padEnd(3)} ${MARK[finding.severity]} ${chalk.cyan(finding.rule)}${finding.queue ? chalk.dim(` [${finding.queue}]`) : ''}  ${finding.api}`,
      );
      lines.push(`             ${chalk.dim('→')} ${finding.replacement}`);
      if (finding.adapter) lines.push(`             ${chalk.dim('→ with redis-migrate:')} ${finding.adapter}`);
    }
    lines.push('');
  }
  const rules = Object.entries(report.summary.byRule).sort((a, b) => b[1] - a[1]);
  if (rules.length) {
    lines.push(heading('By rule'));
    lines.push(table([['COUNT', 'RULE', 'DOCS'], ...rules.map(([rule, count]) => [String(count), rule, `docs/scan.md#${rule}`])]));
    lines.push('');
  }
  const q = report.queues;
  if (q.found.length || q.missing.length || q.unresolved) {
    lines.push(heading('Queues'));
    if (q.found.length)
      lines.push(
        table([
          ['QUEUE', 'TIER', 'USES'],
          ...q.found.map((queue) => [queue.name, queue.tier ?? (q.compared ? chalk.red('in no tier') : '-'), String(queue.uses)]),
        ]),
      );
    if (q.missing.length) lines.push(`  in the plan, not in this code: ${q.missing.join(', ')}`);
    if (q.unresolved) lines.push(`  ${plural(q.unresolved, 'queue name')} built at run time (queues-unresolved)`);
    if (!q.compared) lines.push(chalk.dim('  not compared with a plan: no plan file (`redis-migrate init --from-code` proposes one)'));
    lines.push('');
  }
  if (report.unparsed.length) {
    lines.push(heading(`Not parsed (${report.unparsed.length})`));
    for (const file of report.unparsed) lines.push(`  ${file.file}:${file.line}:${file.column} ${file.message}`);
    lines.push('');
  }
  const s = report.summary;
  lines.push(
    `${plural(s.files, 'file')} scanned (${s.unparsed} not parsed) in ${report.durationMs} ms: ${plural(s.findings, 'finding')} ` +
      `(${s.bySeverity.error} errors, ${s.bySeverity.warning} warnings, ${s.bySeverity.note} notes) in ${plural(Object.keys(s.byFile).length, 'file')}` +
      (report.sarif ? chalk.dim(`  (SARIF: ${report.sarif})`) : ''),
  );
  lines.push(
    report.ok
      ? chalk.green(s.findings ? 'Nothing that must change (notes only).' : 'No Bull or ioredis usage found.')
      : chalk.red('Legacy usage found: see the findings above.'),
  );
  return lines.join('\n');
}
