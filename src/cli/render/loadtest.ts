/** Human text for `loadtest`. */
import type { LoadtestReport } from '../../usecases/loadtest.js';
import { chalk, heading, table } from '../format.js';

export function render(report: LoadtestReport): string {
  const scope = report.tier ? `tier "${report.tier}"` : 'all tiers';
  const { latencyMs: l, peakConnections: peak } = report;
  const lines = [
    heading(`Loadtest: ${report.jobs} jobs over ${report.queues.length} queue(s) (${scope})`) +
      chalk.dim(`  concurrency ${report.concurrency}${report.rate ? `, ${report.rate} jobs/s` : ', as fast as possible'}, prefix ${report.prefix}`),
    '',
    table([
      ['MEASURE', 'VALUE'],
      ['completed', `${report.completed} / ${report.jobs}${report.timedOut ? chalk.red(' (deadline reached)') : ''}`],
      ['failures', report.failed ? chalk.red(String(report.failed)) : '0'],
      ['duration', `${report.durationMs} ms (enqueued in ${report.enqueueMs < 0 ? '-' : `${report.enqueueMs} ms`})`],
      ['throughput', `${report.throughput} jobs/s`],
      ['enqueue → complete', `p50 ${l.p50} ms, p95 ${l.p95} ms, p99 ${l.p99} ms, max ${l.max} ms`],
      ['peak connections', `${peak.loadtest} for the loadtest, ${peak.server} on the server (${peak.samples} samples)`],
      ['commands per job', `${report.commands.perJob} (server-side, ${report.commands.total} in all, Lua-internal calls included)`],
      ['cleanup', `${report.cleanup.keysRemoved} key(s) removed${report.cleanup.keysLeft ? chalk.red(`, ${report.cleanup.keysLeft} left`) : ''}`],
    ]),
  ];
  if (!report.ok) lines.push('', chalk.red('  loadtest failed: not every job completed'));
  return lines.join('\n');
}
