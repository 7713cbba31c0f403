/** Human text for `init`. */
import type { InitReport } from '../../commands/init.js';

export function render(report: InitReport): string {
  const tiers = (report.document.tiers as { name: string; queues: string[]; soak: string }[])
    .map((tier) => `${tier.name} (${tier.queues.length} queues, soak ${tier.soak})`)
    .join(', ');
  return `Wrote ${report.path}\n  tiers: ${tiers}\nNext: redis-migrate plan`;
}
