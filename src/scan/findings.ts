/** A finding: one place in the code, the rule it breaks, and what to write instead. */
import type { Rule, RuleLibrary, Severity } from './rules/types.js';
import { ruleDocs } from './rules/types.js';

export interface Finding {
  /** Relative to the scan root, "/"-separated. */
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  rule: string;
  library: RuleLibrary;
  severity: Severity;
  change: Rule['change'];
  /** The Bull / ioredis API used here. */
  api: string;
  /** What to write with BullMQ / @upstash/redis. */
  replacement: string;
  /** How to write it with redis-migrate/queues or redis-migrate/redis, where they cover it. */
  adapter?: string;
  /** The rule's section in the docs. */
  docs: string;
  /** The queue this is about, when the scan could tell. */
  queue?: string;
}

export interface Span {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export function makeFinding(rule: Rule, file: string, span: Span, extra: { api?: string; replacement?: string; queue?: string | null } = {}): Finding {
  return {
    file,
    ...span,
    rule: rule.id,
    library: rule.library,
    severity: rule.severity,
    change: rule.change,
    api: extra.api ?? rule.from,
    replacement: extra.replacement ?? rule.to,
    ...(rule.adapter ? { adapter: rule.adapter } : {}),
    docs: ruleDocs(rule),
    ...(extra.queue ? { queue: extra.queue } : {}),
  };
}

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, note: 2 };

export function compareFindings(a: Finding, b: Finding): number {
  return (
    a.file.localeCompare(b.file) ||
    a.line - b.line ||
    a.column - b.column ||
    SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
    a.rule.localeCompare(b.rule)
  );
}
