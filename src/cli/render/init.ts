/** Human text for `init`. */
import type { Report } from '../../usecases/report.js';

/** What the text shows of the command's report (typed here, so this renderer imports no command). */
interface InitView extends Report {
  path: string;
  document: Record<string, unknown>;
  fromCode: { files: number; queues: { queue: string; tier: string; why: string }[] } | null;
}

export function render(report: InitView): string {
  const tiers = (report.document.tiers as { name: string; queues: string[]; soak: string }[])
    .map((tier) => `${tier.name} (${tier.queues.length} queues, soak ${tier.soak})`)
    .join(', ');
  const found = report.fromCode
    ? `\n  from the code (${report.fromCode.files} files): ${report.fromCode.queues.map((entry) => `${entry.queue} → ${entry.tier}${entry.why === 'unknown' ? ' (not in the default plan: review)' : ''}`).join(', ')}`
    : '';
  return `Wrote ${report.path}\n  tiers: ${tiers}${found}\nNext: redis-migrate plan`;
}
