/** Human text for `status`. */
import type { StatusReport } from '../../usecases/status.js';
import { formatDuration } from '../../plan/duration.js';
import { ago, chalk, heading, onOff, table, timestamp } from '../format.js';
import type { TierView } from '../../state/view.js';

export function soakText(tier: TierView): string {
  const soak = tier.soak;
  if (tier.effective !== 'bullmq') return tier.state === 'bullmq' ? chalk.yellow('paused (USE_BULLMQ is off)') : '-';
  const percent = soak.requiredMs ? Math.min(100, Math.floor((soak.elapsedMs / soak.requiredMs) * 100)) : 100;
  const text = `${formatDuration(soak.elapsedMs)} / ${soak.window} (${percent}%)`;
  if (soak.complete) return chalk.green(`${text} soaked`);
  return soak.watching ? chalk.yellow(`${text} watch closely`) : text;
}

export function render(report: StatusReport): string {
  const { flags, now } = report;
  const lines = [
    heading(`Migration state, namespace "${report.namespace}" on ${report.redis}`) + chalk.dim(`  (plan: ${report.plan})`),
    '',
    heading(`Flags`) +
      `  version ${report.version}` +
      (report.updatedAt ? `, changed ${ago(report.updatedAt, now)} by ${report.updatedBy}` : ', never changed'),
    table([
      ['FLAG', 'VALUE'],
      [flags.names.useBullmq, onOff(flags.USE_BULLMQ)],
      [flags.names.bullmqTiers, flags.BULLMQ_TIERS.join(',') || '(none)'],
      [flags.names.useHttpRedis, onOff(flags.USE_HTTP_REDIS)],
    ]),
    '',
    heading('Tiers'),
    table([
      ['TIER', 'QUEUES', 'STATE', 'SINCE', 'SOAK'],
      ...report.tiers.map((tier) => [
        tier.name,
        String(tier.queues.length),
        tier.effective === 'bullmq' ? chalk.green('bullmq') : 'legacy',
        tier.since ? `${timestamp(tier.since)} (${ago(tier.since, now)})` : '-',
        soakText(tier),
      ]),
    ]),
    '',
  ];
  const inst = report.instances;
  lines.push(
    heading('App instances (flags SDK)') +
      `  ${inst.live} live, ${inst.current} on version ${report.version}` +
      (inst.killSwitch ? `, ${inst.killSwitch} pinned to legacy by their env` : ''),
  );
  const live = inst.list.filter((instance) => instance.live);
  if (live.length) {
    lines.push(
      table([
        ['APP', 'HOST', 'PID', 'VERSION', 'SOURCE', 'LAST SEEN'],
        ...live
          .slice(0, 30)
          .map((instance) => [
            instance.app,
            instance.host,
            String(instance.pid),
            instance.version === report.version ? String(instance.version) : chalk.yellow(String(instance.version)),
            instance.killSwitch ? chalk.yellow(`${instance.source}, kill switch`) : instance.source,
            `${formatDuration(instance.lastSeenAgoMs)} ago`,
          ]),
      ]),
    );
    if (live.length > 30) lines.push(chalk.dim(`  … and ${live.length - 30} more (see --json)`));
  }
  lines.push('');
  lines.push(
    report.lock
      ? chalk.yellow(
          `Lock: held by ${report.lock.owner} (${report.lock.command}) since ${timestamp(report.lock.since)}, expires in ${formatDuration(report.lock.expiresInMs)} unless renewed`,
        )
      : 'Lock: free',
  );
  lines.push(`Audit trail: ${report.auditEntries} entries (redis-migrate audit)`);
  const monitored = report.tiers.filter((tier) => report.monitored[tier.name] && report.monitored[tier.name]?.since === tier.soak.startedAt);
  for (const tier of monitored) {
    const record = report.monitored[tier.name]!;
    const breach = record.breachAt ? chalk.red(`, breach at ${timestamp(record.breachAt)}: ${record.breach ?? ''}`) : '';
    lines.push(`Monitor, tier ${tier.name}: healthy ${formatDuration(record.healthyMs)} of its soak${breach}`);
  }
  lines.push('');
  if (report.drift.ok) {
    lines.push(`Drift: none (state, audit trail, app instances${report.drift.findings.length === 0 ? ' and sinks' : ''} agree)`);
  } else {
    lines.push(chalk.red(heading(report.drift.wiped ? 'Drift: the migration state was wiped' : 'Drift')));
    for (const finding of report.drift.findings) lines.push(chalk.red(`  ${finding.source}: ${finding.message}`));
    if (report.drift.fix) lines.push(`  fix: ${report.drift.fix}`);
  }
  return lines.join('\n');
}
