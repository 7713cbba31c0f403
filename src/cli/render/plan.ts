/** Human text for `plan`. */
import type { PlanReport, PrometheusRulesReport } from '../../usecases/plan.js';
import { chalk, heading, table } from '../format.js';
import { soakText } from './status.js';

export function render(report: PlanReport | PrometheusRulesReport): string {
  // Printed as is, so `plan --prometheus-rules > rules.yml` is the file Prometheus loads.
  if ('yaml' in report) return report.yaml.trimEnd();
  const lines = [
    heading(`Plan: ${report.plan}`),
    `  namespace ${report.namespace}, Redis ${report.redis}`,
    `  legacy ${report.legacy.library} prefix "${report.legacy.prefix}", BullMQ prefix "${report.bullmq.prefix}"`,
    `  flags ${report.flagNames.useBullmq}, ${report.flagNames.bullmqTiers}, ${report.flagNames.useHttpRedis}`,
    '',
    heading('Phase 2 tiers, in order'),
    table([
      ['#', 'TIER', 'SOAK', 'STATE', 'QUEUES'],
      ...report.tiers.map((tier) => [
        String(tier.order),
        tier.name,
        tier.soak.watch ? `${tier.soak.window} (watch ${tier.soak.watch})` : tier.soak.window,
        report.state ? (tier.effective === 'bullmq' ? `bullmq, ${soakText(tier)}` : 'legacy') : chalk.dim('unknown'),
        tier.queues.join(', '),
      ]),
    ]),
    '',
  ];
  for (const phase of report.phases) {
    lines.push(heading(`${phase.id}: ${phase.title}`));
    for (const [index, step] of phase.steps.entries()) lines.push(`  ${index + 1}. ${step.id}: ${step.does}`);
    lines.push(chalk.dim(`  checks, run by ${phase.checksRunBy}: ${phase.checks.join(', ')}`));
    lines.push('');
  }
  lines.push(...budgetLines(report));
  lines.push('');
  lines.push(report.state ? `Current flag version ${report.state.version}.` : chalk.yellow(`Current state unknown: ${report.stateError}`));
  return lines.join('\n');
}

function budgetLines(report: PlanReport): string[] {
  const { budget, topology } = report;
  const processes = topology.processes
    .map(
      (p) =>
        `${p.name} ×${p.replicas} (workers ${Array.isArray(p.workers) ? p.workers.length : p.workers}, queue events ${Array.isArray(p.queueEvents) ? p.queueEvents.length : p.queueEvents}, BullMQ ${p.bullmqConnection})`,
    )
    .join('; ');
  const lines = [heading('Connection budget') + chalk.dim(`  topology: ${processes}${topology.merge !== 'none' ? `, merge ${topology.merge}` : ''}`)];
  lines.push(
    table([
      ['STEP', 'CONNECTIONS', 'PEAK', ''],
      ...budget.steps.map((step) => [
        step.id === budget.current ? chalk.bold(`${step.id} (now)`) : step.id,
        String(step.steady),
        step.peak !== step.steady ? String(step.peak) : '',
        chalk.dim(step.label),
      ]),
    ]),
  );
  if (budget.target !== null) {
    const verdict = budget.reachable
      ? chalk.green(`Target ${budget.target}: reachable (final ${budget.final}).`)
      : chalk.yellow(`Target ${budget.target}: not reachable with this topology (final ${budget.final}).`);
    lines.push(verdict);
  }
  for (const alternative of budget.alternatives) {
    const mark = alternative.reachesTarget === null ? '' : alternative.reachesTarget ? chalk.green(' reaches the target') : '';
    lines.push(`  ${alternative.final} with ${alternative.label}${mark}`);
  }
  for (const note of budget.notes) lines.push(chalk.dim(`  ${note}`));
  return lines;
}
