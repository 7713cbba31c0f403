/** Human text for `init`. */
import type { InitReport } from '../../commands/init.js';

export function render(report: InitReport): string {
  const tiers = (report.document.tiers as { name: string; queues: string[]; soak: string }[])
    .map((tier) => `${tier.name} (${tier.queues.length} queues, soak ${tier.soak})`)
    .join(', ');
  const found = report.fromCode
    ? `\n  from the code (${report.fromCode.files} files): ${report.fromCode.queues.map((entry) => `${entry.queue} → ${entry.tier}${entry.why === 'unknown' ? ' (not in the default plan: review)' : ''}`).join(', ')}`
    : '';
  return `Wrote ${report.path}\n  tiers: ${tiers}${found}\nNext: redis-migrate plan`;
}
