/**
 * What happens to a cached string when @upstash/redis reads it (pure). By default the client
 * JSON-parses every string it reads, so values the ioredis code wrote come back as other types:
 * "1234" → 1234, "true" → true, "null" → null, '{"a":1}' → {a:1} (and code that JSON.parses
 * it again then fails), '"x"' → x.
 */

export const CHANGE_KINDS = ['unchanged', 'number', 'boolean', 'null', 'object', 'array', 'unquoted-string', 'altered', 'missing'] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

/** Kinds that mean the app would see another type than ioredis gave it. */
export const TYPE_CHANGES: readonly ChangeKind[] = ['number', 'boolean', 'null', 'object', 'array', 'unquoted-string'];

/** `stored`: the value as ioredis reads it; `read`: what @upstash/redis returned (undefined: no answer). */
export function classifyRead(stored: string, read: unknown): ChangeKind {
  if (typeof read === 'string') {
    if (read === stored) return 'unchanged';
    return JSON.stringify(read) === stored ? 'unquoted-string' : 'altered';
  }
  if (read === null) return stored === 'null' ? 'null' : 'missing';
  if (typeof read === 'number') return 'number';
  if (typeof read === 'boolean') return 'boolean';
  if (Array.isArray(read)) return 'array';
  if (typeof read === 'object') return 'object';
  return 'altered';
}

export interface SampledKey {
  key: string;
  kind: ChangeKind;
}

export interface DeserializationSummary {
  sampled: number;
  counts: Partial<Record<ChangeKind, number>>;
  /** Up to three keys per kind, so the operator can look at them. */
  examples: Partial<Record<ChangeKind, string[]>>;
  typeChanges: number;
}

export function summarize(samples: readonly SampledKey[]): DeserializationSummary {
  const counts: Partial<Record<ChangeKind, number>> = {};
  const examples: Partial<Record<ChangeKind, string[]>> = {};
  for (const { key, kind } of samples) {
    counts[kind] = (counts[kind] ?? 0) + 1;
    const list = examples[kind] ?? [];
    examples[kind] = list;
    if (list.length < 3) list.push(key);
  }
  const typeChanges = TYPE_CHANGES.reduce((sum, kind) => sum + (counts[kind] ?? 0), 0);
  return { sampled: samples.length, counts, examples, typeChanges };
}

const LABEL: Record<ChangeKind, string> = {
  unchanged: 'unchanged',
  number: 'become numbers',
  boolean: 'become booleans',
  null: 'become null',
  object: 'become objects (JSON parsed: parsing them again fails)',
  array: 'become arrays (JSON parsed: parsing them again fails)',
  'unquoted-string': 'lose their JSON quotes',
  altered: 'come back altered',
  missing: 'are missing over HTTP',
};

/** "3 become numbers, 1 becomes null" for the kinds present, in a fixed order. */
export function describeCounts(counts: Partial<Record<ChangeKind, number>>, kinds: readonly ChangeKind[]): string {
  return kinds
    .filter((kind) => (counts[kind] ?? 0) > 0)
    .map((kind) => `${counts[kind]} ${LABEL[kind]}`)
    .join(', ');
}
