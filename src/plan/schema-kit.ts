/**
 * A small validation kit for the plan file: every problem is collected with its dot path
 * (`tiers[1].soak: expected a duration like "24h"`) instead of stopping at the first one.
 * Pure: no I/O.
 */
import { isDuration } from './duration.js';

export interface SchemaIssue {
  path: string;
  message: string;
}

export interface Schema<T> {
  /** Returns the parsed value, or undefined after pushing at least one issue. */
  parse(value: unknown, path: string, issues: SchemaIssue[]): T | undefined;
  /** What the value should look like, for "expected ..." messages. */
  readonly expected: string;
  /** Type-level only: carries T exactly (parse's `T | undefined` would lose optionality). */
  readonly __type?: { value: T };
}

type Infer<S> = S extends { __type?: { value: infer T } } ? T : never;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}

function fail<T>(issues: SchemaIssue[], path: string, message: string): T | undefined {
  issues.push({ path: path || '(root)', message });
  return undefined;
}

export function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path ? `${path}.${key}` : key;
}

export function string(options: { pattern?: RegExp; expected?: string; minLength?: number } = {}): Schema<string> {
  const expected = options.expected ?? 'a string';
  return {
    expected,
    parse(value, path, issues) {
      if (typeof value !== 'string') return fail(issues, path, `expected ${expected}, got ${describe(value)}`);
      if (options.minLength !== undefined && value.length < options.minLength) {
        return fail(issues, path, `expected ${expected}, got an empty string`);
      }
      if (options.pattern && !options.pattern.test(value)) return fail(issues, path, `expected ${expected}, got ${describe(value)}`);
      return value;
    },
  };
}

export function duration(): Schema<string> {
  const expected = 'a duration like "24h"';
  return {
    expected,
    parse(value, path, issues) {
      if (typeof value !== 'string' || !isDuration(value)) return fail(issues, path, `expected ${expected}, got ${describe(value)}`);
      return value.trim();
    },
  };
}

export function number(options: { min?: number; max?: number; integer?: boolean } = {}): Schema<number> {
  const kind = options.integer ? 'an integer' : 'a number';
  const range =
    options.min !== undefined && options.max !== undefined
      ? ` from ${options.min} to ${options.max}`
      : options.min !== undefined
        ? ` of at least ${options.min}`
        : '';
  const expected = kind + range;
  return {
    expected,
    parse(value, path, issues) {
      const ok =
        typeof value === 'number' &&
        Number.isFinite(value) &&
        (!options.integer || Number.isInteger(value)) &&
        (options.min === undefined || value >= options.min) &&
        (options.max === undefined || value <= options.max);
      return ok ? (value as number) : fail(issues, path, `expected ${expected}, got ${describe(value)}`);
    },
  };
}

export function boolean(): Schema<boolean> {
  return {
    expected: 'true or false',
    parse(value, path, issues) {
      return typeof value === 'boolean' ? value : fail(issues, path, `expected true or false, got ${describe(value)}`);
    },
  };
}

export function oneOf<const V extends readonly string[]>(values: V): Schema<V[number]> {
  const expected = `one of ${values.map((v) => JSON.stringify(v)).join(', ')}`;
  return {
    expected,
    parse(value, path, issues) {
      return typeof value === 'string' && values.includes(value)
        ? (value as V[number])
        : fail(issues, path, `expected ${expected}, got ${describe(value)}`);
    },
  };
}

export function array<T>(item: Schema<T>, options: { minLength?: number } = {}): Schema<T[]> {
  const expected = `a list of ${item.expected.replace(/^an? /, '')}s`;
  return {
    expected,
    parse(value, path, issues) {
      if (!Array.isArray(value)) return fail(issues, path, `expected ${expected}, got ${describe(value)}`);
      if (options.minLength !== undefined && value.length < options.minLength) {
        return fail(issues, path, `expected at least ${options.minLength} item(s), got ${value.length}`);
      }
      const before = issues.length;
      const out = value.map((entry, index) => item.parse(entry, childPath(path, index), issues));
      return issues.length === before ? (out as T[]) : undefined;
    },
  };
}

/** A value that may be left out; `fallback` fills it in (a function, so defaults are never shared). */
export interface OptionalSchema<T> extends Schema<T> {
  readonly optional: true;
}

export function optional<T>(schema: Schema<T>, fallback: () => T): OptionalSchema<T>;
export function optional<T>(schema: Schema<T>): OptionalSchema<T | undefined>;
export function optional<T>(schema: Schema<T>, fallback?: () => T): OptionalSchema<T | undefined> {
  return {
    optional: true,
    expected: schema.expected,
    parse(value, path, issues) {
      if (value === undefined) return fallback ? fallback() : undefined;
      return schema.parse(value, path, issues);
    },
  };
}

type Shape = Record<string, Schema<unknown>>;
type ObjectOf<S extends Shape> = { [K in keyof S]: Infer<S[K]> };

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
function closestKey(key: string, known: string[]): string | undefined {
  const lower = key.toLowerCase();
  const scored = known.map((k) => ({ k, d: editDistance(lower, k.toLowerCase()) })).sort((a, b) => a.d - b.d);
  return scored[0] && scored[0].d <= 2 ? scored[0].k : undefined;
}

/** An object with known keys. Unknown keys are reported (they are usually typos). */
export function object<S extends Shape>(shape: S): Schema<ObjectOf<S>> {
  const known = Object.keys(shape);
  return {
    expected: 'an object',
    parse(value, path, issues) {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        return fail(issues, path, `expected an object, got ${describe(value)}`);
      }
      const input = value as Record<string, unknown>;
      const before = issues.length;
      for (const key of Object.keys(input)) {
        if (!known.includes(key)) {
          const hint = closestKey(key, known);
          fail(issues, childPath(path, key), `unknown key${hint ? `; did you mean "${hint}"?` : `; expected one of ${known.join(', ')}`}`);
        }
      }
      const out: Record<string, unknown> = {};
      for (const [key, schema] of Object.entries(shape)) {
        const raw = input[key];
        if (raw === undefined && !('optional' in schema)) {
          fail(issues, childPath(path, key), `missing; expected ${schema.expected}`);
          continue;
        }
        const parsed = schema.parse(raw, childPath(path, key), issues);
        if (parsed !== undefined) out[key] = parsed;
      }
      return issues.length === before ? (out as ObjectOf<S>) : undefined;
    },
  };
}

export type { Infer };
