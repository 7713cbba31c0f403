/** The queues the code uses against the plan's tiers: findings both ways. Pure. */
import { makeFinding, type Finding } from './findings.js';
import type { QueueUse } from './match.js';
import { QUEUE_RULES } from './rules/queues.js';

export interface PlanQueues {
  /** Tier name → its queues. */
  tiers: readonly { name: string; queues: readonly string[] }[];
  /** The plan file, relative to the scan root, and its text (to point at the queue's line). */
  file: string;
  text: string;
}

export interface QueueComparison {
  findings: Finding[];
  /** Every queue name found, with its tier (null: in no tier) and where it is used. */
  found: { name: string; tier: string | null; uses: number }[];
  /** Plan queues the code never names. */
  missing: string[];
  /** Uses whose name could not be resolved. */
  unresolved: number;
}

function lineOf(text: string, name: string): { line: number; column: number } {
  const match = new RegExp(`(["'\\s-])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(["'\\s,\\]]|$)`, 'm').exec(text);
  if (!match) return { line: 1, column: 1 };
  const before = text.slice(0, match.index + 1);
  const line = before.split('\n').length;
  return { line, column: match.index + 2 - before.lastIndexOf('\n') - 1 };
}

/**
 * `checkMissing`: report plan queues the code never names; only meaningful when the whole app was
 * scanned (not a subset of its paths).
 */
export function compareQueues(uses: readonly QueueUse[], plan: PlanQueues | null, checkMissing: boolean): QueueComparison {
  const findings: Finding[] = [];
  const tierOf = new Map<string, string>();
  for (const tier of plan?.tiers ?? []) for (const queue of tier.queues) tierOf.set(queue, tier.name);
  const counts = new Map<string, number>();
  let unresolved = 0;
  for (const use of uses) {
    if (use.name === null) {
      unresolved++;
      findings.push(makeFinding(QUEUE_RULES.unresolved, use.file, use, { api: `${use.via}(${use.expression ?? '…'})` }));
      continue;
    }
    const first = !counts.has(use.name);
    counts.set(use.name, (counts.get(use.name) ?? 0) + 1);
    if (plan && first && !tierOf.has(use.name)) {
      findings.push(
        makeFinding(QUEUE_RULES.notInPlan, use.file, use, {
          api: `${use.via} '${use.name}'`,
          replacement: `add "${use.name}" to a tier of the plan (tiers[].queues)`,
          queue: use.name,
        }),
      );
    }
  }
  const missing = plan ? [...tierOf.keys()].filter((queue) => !counts.has(queue)) : [];
  if (plan && checkMissing) {
    for (const queue of missing) {
      const at = lineOf(plan.text, queue);
      findings.push(
        makeFinding(
          QUEUE_RULES.notInCode,
          plan.file,
          { ...at, endLine: at.line, endColumn: at.column + queue.length },
          {
            api: `tier "${tierOf.get(queue)}": ${queue}`,
            replacement: `no code names "${queue}": fix the name, or check that the code builds it at run time`,
            queue,
          },
        ),
      );
    }
  }
  const found = [...counts].map(([name, uses]) => ({ name, tier: tierOf.get(name) ?? null, uses })).sort((a, b) => a.name.localeCompare(b.name));
  return { findings, found, missing, unresolved };
}
