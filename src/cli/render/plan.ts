/** Human text for `plan`. */
import type { PlanReport } from '../../commands/plan.js';
import { chalk, heading, table } from '../format.js';
import { soakText } from './status.js';

export function render(report: PlanReport): string {
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
    phase.steps.forEach((step, index) => lines.push(`  ${index + 1}. ${step.id}: ${step.does}`));
    lines.push('');
  }
  lines.push(report.state ? `Current flag version ${report.state.version}.` : chalk.yellow(`Current state unknown: ${report.stateError}`));
  return lines.join('\n');
}
