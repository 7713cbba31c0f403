/** A rule of the catalogue: one API difference between the old library and the new one. */

export const RULE_LIBRARIES = ['bull', 'nestjs', 'ioredis', 'upstash', 'queues'] as const;
export type RuleLibrary = (typeof RULE_LIBRARIES)[number];

export const SEVERITIES = ['error', 'warning', 'note'] as const;
/** error: breaks when the library is swapped; warning: behaves differently; note: worth a look. */
export type Severity = (typeof SEVERITIES)[number];

export interface Rule {
  /** Stable id, also the anchor of its section in docs/scan.md (`bull-process`). */
  id: string;
  library: RuleLibrary;
  title: string;
  severity: Severity;
  /** mechanical: a rewrite anyone can do; decision: someone has to choose (names, options, design). */
  change: 'mechanical' | 'decision';
  /** The Bull / ioredis form. */
  from: string;
  /** The BullMQ / @upstash/redis form. */
  to: string;
  /** How to write it with redis-migrate/queues or redis-migrate/redis, where they cover it. */
  adapter?: string;
  /** Why it matters, in a sentence or two. */
  why: string;
}

/** The docs section of a rule, relative to the package (the SARIF output makes it absolute). */
export function ruleDocs(rule: Pick<Rule, 'id'>): string {
  return `docs/scan.md#${rule.id}`;
}

export const ADAPTER_DOCS = 'docs/app-integration.md';
