/**
 * Zod builders for the plan's fields, each carrying the message a user sees for a wrong value
 * (`expected a duration like "24h", got "a day"`) or a missing one (`missing; expected ...`).
 * Every check aborts the field's later checks, so one wrong value is one problem. Pure.
 */
import * as z from 'zod';
import { DURATION_PATTERN } from './duration.js';

/** What each field expects, in words: the lists built from it say "a list of <item>s". */
const EXPECTED = z.registry<{ expected: string }>();

function expectedOf(schema: z.ZodType): string {
  return EXPECTED.get(schema)?.expected ?? 'a value';
}

/** A value as a message quotes it: strings quoted (and cut at 40 characters), other kinds named. */
function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === '') return 'an empty string';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}

/** The error of a field that expects `expected`: a missing key says so, a wrong value is quoted. */
function wrong(expected: string) {
  return {
    abort: true,
    error: (issue: { input: unknown }) =>
      issue.input === undefined ? `missing; expected ${expected}` : `expected ${expected}, got ${describeValue(issue.input)}`,
  };
}

/** Editors (VS Code, the YAML language server) show this instead of the bare regex. */
function patternError(expected: string) {
  return { patternErrorMessage: `expected ${expected}` };
}

function named<S extends z.ZodType>(schema: S, expected: string): S {
  EXPECTED.add(schema as z.ZodType, { expected });
  return schema;
}

export function text(options: { pattern?: RegExp; expected?: string; minLength?: number } = {}) {
  const expected = options.expected ?? (options.minLength ? 'a non-empty string' : 'a string');
  let schema = z.string(wrong(expected));
  if (options.minLength !== undefined) schema = schema.min(options.minLength, wrong(expected));
  if (options.pattern) schema = schema.regex(options.pattern, wrong(expected)).meta(patternError(expected));
  return named(schema, expected);
}

/** "24h", "1h30m", "500ms": kept as written (trimmed); `parseDuration` turns it into milliseconds. */
export function duration() {
  const expected = 'a duration like "24h"';
  return named(z.string(wrong(expected)).regex(DURATION_PATTERN, wrong(expected)).trim().meta(patternError(expected)), expected);
}

export function number(options: { min?: number; max?: number; integer?: boolean } = {}) {
  const kind = options.integer ? 'an integer' : 'a number';
  const range =
    options.min !== undefined && options.max !== undefined
      ? ` from ${options.min} to ${options.max}`
      : options.min !== undefined
        ? ` of at least ${options.min}`
        : '';
  const expected = kind + range;
  let schema = options.integer ? z.int(wrong(expected)) : z.number(wrong(expected));
  if (options.min !== undefined) schema = schema.min(options.min, wrong(expected));
  if (options.max !== undefined) schema = schema.max(options.max, wrong(expected));
  return named(schema, expected);
}

export function boolean() {
  return named(z.boolean(wrong('true or false')), 'true or false');
}

export function oneOf<const V extends readonly [string, ...string[]]>(values: V) {
  const expected = `one of ${values.map((value) => JSON.stringify(value)).join(', ')}`;
  return named(z.enum(values, wrong(expected)), expected);
}

export function list<T extends z.ZodType>(item: T, options: { minLength?: number } = {}) {
  const expected = `a list of ${expectedOf(item).replace(/^an? /, '')}s`;
  let schema = z.array(item, wrong(expected));
  if (options.minLength !== undefined) {
    const minLength = options.minLength;
    schema = schema.min(minLength, { abort: true, error: (issue) => `expected at least ${minLength} item(s), got ${(issue.input as unknown[]).length}` });
  }
  return named(schema, expected);
}

/** An object with known keys only: an unknown key is usually a typo (`plan-issues.ts` names the closest known one). */
export function object<S extends z.core.$ZodLooseShape>(shape: S) {
  const { error } = wrong('an object');
  return named(z.strictObject(shape, { error: (issue) => (issue.code === 'unrecognized_keys' ? undefined : error(issue)) }), 'an object');
}
