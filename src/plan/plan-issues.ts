/**
 * Zod's issues as the plan reports them: one line per problem with its dot path
 * (`tiers[1].soak: ...`), one per unknown key with the known key it most likely meant. Pure.
 */
import * as z from 'zod';

/** One problem in a plan file, at its path (`tiers[1].soak`, `(root)` for the file itself). */
export interface PlanIssue {
  path: string;
  message: string;
}

function pathText(path: readonly PropertyKey[]): string {
  let text = '';
  for (const key of path) text += typeof key === 'number' ? `[${key}]` : text ? `.${String(key)}` : String(key);
  return text || '(root)';
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** The known key a typo most likely meant (at most two edits away, case ignored). */
function closestKey(key: string, known: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  const scored = known.map((k) => ({ k, d: editDistance(lower, k.toLowerCase()) })).sort((a, b) => a.d - b.d);
  return scored[0] && scored[0].d <= 2 ? scored[0].k : undefined;
}

/** The schema under the wrappers that do not change a value's shape (optional, default, a pipe's input). */
function unwrap(schema: z.core.$ZodType): z.core.$ZodType {
  const def = schema._zod.def as { innerType?: z.core.$ZodType; in?: z.core.$ZodType };
  const inner = def.innerType ?? def.in;
  return inner ? unwrap(inner) : schema;
}

/** The keys of the object schema at `path` inside `root` (empty when there is none). */
function knownKeysAt(root: z.core.$ZodType, path: readonly PropertyKey[]): string[] {
  let schema: z.core.$ZodType | undefined = unwrap(root);
  for (const key of path) {
    if (!schema) return [];
    if (schema instanceof z.ZodObject) schema = schema.shape[String(key)];
    else if (schema instanceof z.ZodArray) schema = schema.element;
    else return [];
    schema = schema && unwrap(schema);
  }
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

function unknownKeyMessage(key: string, known: readonly string[]): string {
  const hint = closestKey(key, known);
  return `unknown key${hint ? `; did you mean "${hint}"?` : `; expected one of ${known.join(', ')}`}`;
}

/** Every issue of a failed parse of `root`, in the plan's words. */
export function planIssues(root: z.core.$ZodType, issues: readonly z.core.$ZodIssue[]): PlanIssue[] {
  return issues.flatMap((issue) => {
    if (issue.code !== 'unrecognized_keys') return [{ path: pathText(issue.path), message: issue.message }];
    const known = knownKeysAt(root, issue.path);
    return issue.keys.map((key) => ({ path: pathText([...issue.path, key]), message: unknownKeyMessage(key, known) }));
  });
}
