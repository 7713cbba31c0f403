/** Human text for `init`. */
import type { Report } from '../../usecases/report.js';

/** What the text shows of the command's report (typed here, so this renderer imports no command). */
interface InitView extends Report {
  path: string;
  document: Record<string, unknown>;
}

export function render(report: InitView): string {
  const tiers = (report.document.tiers as { name: string; queues: string[]; soak: string }[])
    .map((tier) => `${tier.name} (${tier.queues.length} queues, soak ${tier.soak})`)
    .join(', ');
  return `Wrote ${report.path}\n  tiers: ${tiers}\nNext: redis-migrate plan`;
}
