/** Human text for `monitor`: the live dashboard, a line per sample without a terminal, and the summary. */
import { formatDuration } from '../../plan/duration.js';
import type { Sample } from '../../observe/samples.js';
import type { MonitorReport, MonitorView } from '../../usecases/monitor.js';
import { chalk, heading, table, timestamp } from '../format.js';
import { columnChart, sparkline } from './chart.js';

const percent = (rate: number | null) => (rate === null ? '-' : `${(rate * 100).toFixed(1)} %`);

function money(value: number, currency: string): string {
  return `${value.toFixed(2)} ${currency}`;
}

export function renderLine(sample: Sample): string {
  const breaches = sample.breaches.length ? chalk.red(` BREACH ${sample.breaches.map((b) => b.message).join('; ')}`) : '';
  return `${timestamp(sample.at)} connections ${sample.connections.app}  failure ${percent(sample.failureRate)}  commands ${sample.commands.perSecond ?? '-'}/s  backlog ${sample.backlog.total} (legacy ${sample.backlog.legacy})  sdk ${sample.instances.live}${breaches}`;
}

function header(report: MonitorView, elapsedMs: number): string[] {
  const window = report.durationMs === null ? 'until Ctrl-C' : `of ${formatDuration(report.durationMs)}`;
  const failed = report.failedSamples ? chalk.yellow(`, ${report.failedSamples} failed (Redis away)`) : '';
  return [
    heading(`Monitor, namespace "${report.namespace}" on ${report.redis}`) +
      chalk.dim(`  ${formatDuration(elapsedMs)} ${window}, every ${formatDuration(report.intervalMs)}, ${report.samples} sample(s)`) +
      failed +
      chalk.dim(report.autoRollback ? ', auto-rollback on' : ''),
  ];
}

function charts(report: MonitorView): string[] {
  const lines: string[] = [];
  const c = report.connections;
  if (c) {
    lines.push(`Connections ${c.last} (min ${c.min}, max ${c.max}${c.limit !== null ? `, limit ${c.limit}` : ''})`);
    lines.push(...columnChart(report.series.connections, { height: 4 }).map((row) => `  ${row}`));
  }
  const f = report.failureRate;
  lines.push(`Failure rate ${percent(f.last)} (max ${percent(f.max)}, limit ${percent(f.limit)})  ${sparkline(report.series.failureRate)}`);
  return lines;
}

function costLines(report: MonitorView): string[] {
  const c = report.commands;
  if (!c) return ['Commands: need two samples'];
  return [
    `Commands ${c.perSecond}/s = ${c.perMinute}/min ≈ ${(c.projectedMonthly / 1e6).toFixed(2)} M/month ≈ ${money(c.projectedMonthlyCost, c.currency)}/month at ${c.per100kCommands} ${c.currency} per 100k`,
  ];
}

export function renderDashboard(report: MonitorView): string {
  const sample = report.last;
  const lines = [...header(report, report.endedAt - report.startedAt), ...charts(report), ...costLines(report)];
  if (sample) {
    const top = sample.commands.top
      .slice(0, 5)
      .map((entry) => `${entry.command} ${entry.perSecond.toFixed(1)}/s`)
      .join(', ');
    if (top) lines.push(chalk.dim(`  top: ${top}`));
    lines.push(
      `Backlog ${sample.backlog.total} (legacy ${sample.backlog.legacy}, BullMQ ${sample.backlog.bullmq}; growth ${sample.backlog.growth >= 0 ? '+' : ''}${sample.backlog.growth})`,
    );
    const versions = Object.entries(sample.instances.versions)
      .map(([version, count]) => `v${version}×${count}`)
      .join(' ');
    lines.push(`SDK instances ${sample.instances.live} live${versions ? `: ${versions}` : ''}`);
    const busy = Object.entries(sample.queues).filter(
      ([, q]) => q.system === 'bullmq' || q.legacy.waiting + q.legacy.active + q.legacy.completedDelta + q.legacy.failedDelta > 0,
    );
    if (busy.length) {
      lines.push(
        table([
          ['QUEUE', 'TIER', 'ON', 'WAIT L/B', 'ACTIVE L/B', 'DONE+', 'FAILED+', 'FAIL %'],
          ...busy.map(([queue, q]) => [
            queue,
            q.tier,
            q.system,
            `${q.legacy.waiting}/${q.bullmq.waiting}`,
            `${q.legacy.active}/${q.bullmq.active}`,
            String(q.legacy.completedDelta + q.bullmq.completedDelta),
            String(q.legacy.failedDelta + q.bullmq.failedDelta),
            q.failureRate !== null && q.failureRate > report.failureRate.limit ? chalk.red(percent(q.failureRate)) : percent(q.failureRate),
          ]),
        ]),
      );
    }
  }
  for (const tier of report.tiers)
    lines.push(`Tier ${tier.tier}: healthy ${formatDuration(tier.healthyMs)} this run${tier.breached ? chalk.red(', breached') : ''}`);
  for (const breach of report.breaches.slice(-5)) lines.push(chalk.red(`BREACH ${timestamp(breach.at)} ${breach.message}`));
  return lines.join('\n');
}

export function render(report: MonitorReport): string {
  const lines = [...header(report, report.elapsedMs)];
  lines.push(`Stopped: ${report.stopped === 'breach' ? chalk.red('breach, rolled back') : report.stopped === 'interrupted' ? 'Ctrl-C' : 'duration reached'}`);
  lines.push(...charts(report), ...costLines(report));
  for (const tier of report.tiers)
    lines.push(`Tier ${tier.tier}: healthy ${formatDuration(tier.healthyMs)} this run${tier.breached ? chalk.red(', breached') : ''}`);
  if (report.breaches.length) {
    lines.push('', heading(chalk.red(`${report.breaches.length} breach(es), audited`)));
    for (const breach of report.breaches) lines.push(chalk.red(`  ${timestamp(breach.at)} ${breach.message}`));
  } else {
    lines.push(chalk.green('No threshold breached.'));
  }
  if (report.rollback) {
    const c = report.rollback.confirmations;
    lines.push(
      chalk.yellow(
        `Rolled back (version ${report.rollback.version}): ${report.rollback.changed ? 'every queue back to legacy' : 'already on legacy'}; ${c.confirmed}/${c.live} app instance(s) confirmed`,
      ),
    );
  }
  if (report.advice.length) {
    lines.push('', heading('Idle polling'));
    for (const advice of report.advice) lines.push(`  ${advice}`);
  }
  lines.push(chalk.dim(`Samples: ${report.stream}`));
  if (report.metrics) lines.push(chalk.dim(`Metrics were served on ${report.metrics.url}`));
  return lines.join('\n');
}
