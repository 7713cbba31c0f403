/**
 * Job options in one shape, checked against both libraries and written in each one's dialect
 * (pure). While a queue migrates, a job can land on either side (after a flip, or back on a
 * rollback), so an option is accepted only if both Bull 4 and BullMQ 6 can honour it: an app
 * learns at its first add, not at the flip.
 */
import type { JobOptions as BullJobOptions } from 'bull';
import type { JobsOptions as BullmqJobOptions } from 'bullmq';
import { QueueOptionError } from './errors.js';
import type { AddOptions, BackoffOptions, JobOptions, KeepJobs, RepeatJobOptions } from './types.js';

/** BullMQ's highest priority value (`PRIORITY_LIMIT`); Bull accepts it too. */
export const PRIORITY_LIMIT = 2 ** 21 - 1;

const ONLY_BULL: Record<string, string> = {
  timeout: 'enforce the time limit inside the handler (e.g. AbortSignal.timeout(ms)); BullMQ has no job timeout',
  preventParsingData: 'pass the data as a string and parse it in the handler',
};
const ONLY_BULLMQ = [
  'keepLogs',
  'sizeLimit',
  'parent',
  'failParentOnFailure',
  'continueParentOnFailure',
  'ignoreDependencyOnFailure',
  'removeDependencyOnFailure',
  'telemetry',
  'repeatJobKey',
  'prevMillis',
];
const REPEAT_FIX = 'use queue.repeat(name, { pattern }, data), which moves the schedule with its tier';

const JOB_KEYS = [
  'jobId',
  'attempts',
  'backoff',
  'delay',
  'priority',
  'lifo',
  'removeOnComplete',
  'removeOnFail',
  'stackTraceLimit',
  'timestamp',
  'deduplication',
] as const;
const REPEAT_JOB_KEYS: readonly (keyof RepeatJobOptions)[] = ['attempts', 'backoff', 'priority', 'lifo', 'removeOnComplete', 'removeOnFail', 'stackTraceLimit'];

type Where = string;

function fail(code: string, where: Where, message: string, fix: string): never {
  throw new QueueOptionError(code, `${where}: ${message}`, fix);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonNegative(where: Where, name: string, value: unknown, integer: boolean): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (integer && !Number.isInteger(value))) {
    fail(
      'queues.job-option',
      where,
      `${name} must be a non-negative ${integer ? 'integer' : 'number'}, got ${JSON.stringify(value)}`,
      `pass a number such as ${name}: 1000`,
    );
  }
  return value;
}

/** The refusal for an option one library lacks, or an unknown one. */
function refuseKey(where: Where, key: string, known: readonly string[]): never {
  if (key in ONLY_BULL)
    fail(
      'queues.job-option-one-side',
      where,
      `job option "${key}" exists only in Bull; while the queue migrates its jobs can land on either side`,
      ONLY_BULL[key] as string,
    );
  if (ONLY_BULLMQ.includes(key))
    fail(
      'queues.job-option-one-side',
      where,
      `job option "${key}" exists only in BullMQ; while the queue migrates its jobs can land on either side`,
      'use it after phase 3, when the app talks to BullMQ alone',
    );
  if (key === 'repeat') fail('queues.job-option-repeat', where, 'a repeat option on add would create the schedule on one side only', REPEAT_FIX);
  fail('queues.job-option-unknown', where, `unknown job option "${key}"`, `supported: ${known.join(', ')}`);
}

function jobId(where: Where, value: unknown): string {
  if (typeof value === 'number')
    fail('queues.job-id', where, `jobId ${value} is a number; BullMQ accepts only string ids that are not integers`, `use a string such as "job-${value}"`);
  if (typeof value !== 'string' || value === '')
    fail('queues.job-id', where, `jobId must be a non-empty string, got ${JSON.stringify(value)}`, 'pass a string such as "user-1"');
  if (`${Number.parseInt(value, 10)}` === value)
    fail('queues.job-id', where, `jobId "${value}" is an integer; BullMQ refuses integer custom ids`, `prefix it, e.g. "job-${value}"`);
  if (value.includes(':') && value.split(':').length !== 3)
    fail('queues.job-id', where, `jobId "${value}" contains ":"; BullMQ refuses it`, 'use "-" or "_" instead of ":"');
  return value;
}

function backoff(where: Where, value: unknown, strategies: ReadonlySet<string>): BackoffOptions {
  if (typeof value === 'number') return { type: 'fixed', delay: nonNegative(where, 'backoff', value, false) };
  if (!isObject(value) || typeof value.type !== 'string')
    fail(
      'queues.job-option',
      where,
      `backoff must be a number or { type, delay }, got ${JSON.stringify(value)}`,
      "e.g. backoff: { type: 'exponential', delay: 1000 }",
    );
  for (const key of Object.keys(value)) {
    if (key === 'jitter')
      fail(
        'queues.job-option-one-side',
        where,
        'backoff.jitter exists only in BullMQ; while the queue migrates its jobs can land on either side',
        'drop jitter, or write a custom strategy in backoffStrategies that adds it',
      );
    if (key === 'options')
      fail(
        'queues.job-option-one-side',
        where,
        'backoff.options (options for a custom strategy) exists only in Bull',
        'read what the strategy needs from its own closure in backoffStrategies',
      );
    if (key !== 'type' && key !== 'delay') fail('queues.job-option-unknown', where, `unknown backoff field "${key}"`, 'backoff takes { type, delay }');
  }
  const type = value.type;
  if (type !== 'fixed' && type !== 'exponential' && !strategies.has(type)) {
    fail(
      'queues.backoff-strategy',
      where,
      `backoff type "${type}" has no strategy`,
      `pass backoffStrategies: { '${type}': (attemptsMade, error) => ms } to migratingQueues`,
    );
  }
  return value.delay === undefined ? { type } : { type, delay: nonNegative(where, 'backoff.delay', value.delay, false) };
}

function keep(where: Where, name: string, value: unknown): boolean | number | KeepJobs {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return nonNegative(where, name, value, true);
  if (!isObject(value))
    fail('queues.job-option', where, `${name} must be a boolean, a count or { age, count }, got ${JSON.stringify(value)}`, `e.g. ${name}: { count: 1000 }`);
  const out: KeepJobs = {};
  for (const [key, field] of Object.entries(value)) {
    if (key === 'limit') fail('queues.job-option-one-side', where, `${name}.limit exists only in BullMQ`, `keep { age, count } only`);
    if (key !== 'age' && key !== 'count') fail('queues.job-option-unknown', where, `unknown ${name} field "${key}"`, `${name} takes { age, count }`);
    out[key] = nonNegative(where, `${name}.${key}`, field, true);
  }
  if (out.age === undefined && out.count === undefined) fail('queues.job-option', where, `${name} needs age or count`, `e.g. ${name}: { count: 1000 }`);
  return out;
}

function deduplication(where: Where, value: unknown): { id: string; ttl?: number } {
  if (!isObject(value) || typeof value.id !== 'string' || value.id === '')
    fail(
      'queues.job-option',
      where,
      `deduplication must be { id, ttl? } with a non-empty id, got ${JSON.stringify(value)}`,
      "e.g. deduplication: { id: 'user-1' }",
    );
  for (const key of Object.keys(value)) {
    if (key !== 'id' && key !== 'ttl')
      fail('queues.job-option-one-side', where, `deduplication.${key} exists only in BullMQ`, 'keep { id, ttl } only (Bull calls it debounce)');
  }
  return value.ttl === undefined ? { id: value.id } : { id: value.id, ttl: nonNegative(where, 'deduplication.ttl', value.ttl, false) };
}

/**
 * Check job options against both libraries and return them in the common shape (Bull's `debounce`
 * becomes `deduplication`, a numeric backoff becomes `{ type: 'fixed', delay }`).
 * @throws QueueOptionError naming the option, why, and what to write instead.
 */
export function normalizeJobOptions(
  input: AddOptions | undefined,
  strategies: ReadonlySet<string>,
  where: Where,
  allowed: readonly string[] = JOB_KEYS,
): JobOptions {
  if (input === undefined) return {};
  if (!isObject(input)) fail('queues.job-option', where, `job options must be an object, got ${JSON.stringify(input)}`, 'pass e.g. { attempts: 3 }');
  const out: JobOptions = {};
  for (const key in input) {
    const value = (input as Record<string, unknown>)[key];
    if (value === undefined) continue;
    const name = key === 'debounce' ? 'deduplication' : key;
    if (!allowed.includes(name)) {
      if ((JOB_KEYS as readonly string[]).includes(name))
        fail('queues.job-option', where, `${name} cannot be set on a repeatable's jobs (its schedule sets it)`, `allowed: ${allowed.join(', ')}`);
      refuseKey(where, key, allowed);
    }
    switch (name) {
      case 'jobId':
        out.jobId = jobId(where, value);
        break;
      case 'attempts':
        out.attempts = nonNegative(where, 'attempts', value, true);
        if (out.attempts < 1)
          fail('queues.job-option', where, 'attempts must be at least 1', 'attempts counts the first run too: attempts: 3 = one run and two retries');
        break;
      case 'backoff':
        out.backoff = backoff(where, value, strategies);
        break;
      case 'delay':
      case 'timestamp':
        out[name] = nonNegative(where, name, value, false);
        break;
      case 'priority':
        out.priority = nonNegative(where, 'priority', value, true);
        if (out.priority > PRIORITY_LIMIT)
          fail('queues.job-option', where, `priority ${out.priority} is above ${PRIORITY_LIMIT}, BullMQ's limit`, `use 1 (highest) to ${PRIORITY_LIMIT}`);
        break;
      case 'lifo':
        if (typeof value !== 'boolean') fail('queues.job-option', where, `lifo must be a boolean, got ${JSON.stringify(value)}`, 'lifo: true');
        out.lifo = value;
        break;
      case 'removeOnComplete':
      case 'removeOnFail':
        out[name] = keep(where, name, value);
        break;
      case 'stackTraceLimit':
        out.stackTraceLimit = nonNegative(where, 'stackTraceLimit', value, true);
        break;
      case 'deduplication':
        if (out.deduplication) fail('queues.job-option', where, 'both deduplication and debounce are set', 'keep one (they are the same option)');
        out.deduplication = deduplication(where, value);
        break;
    }
  }
  return out;
}

/** Options for the jobs of a repeatable: the subset that applies to every tick. */
export function normalizeRepeatJobOptions(input: RepeatJobOptions | undefined, strategies: ReadonlySet<string>, where: Where): RepeatJobOptions {
  return normalizeJobOptions(input, strategies, where, REPEAT_JOB_KEYS);
}

/** Common options in Bull 4's dialect. */
export function toBullJobOptions(options: JobOptions): BullJobOptions {
  const { deduplication, priority, ...rest } = options;
  const out: BullJobOptions = rest;
  if (priority) out.priority = priority;
  if (deduplication) out.debounce = deduplication;
  return out;
}

/** Common options in BullMQ 6's dialect (the same names; no priority when it is 0). */
export function toBullmqJobOptions(options: JobOptions): BullmqJobOptions {
  // KeepJobs was checked to hold age or count, which is BullMQ's KeepJobs.
  if (options.priority !== 0) return options as BullmqJobOptions;
  const { priority: _none, ...rest } = options;
  return rest as BullmqJobOptions;
}

/** Values both libraries assume when an option is absent; read-back leaves them out, as the app did. */
const DEFAULTS: Partial<Record<keyof JobOptions, unknown>> = { attempts: 1, delay: 0, priority: 0 };

/**
 * A job's stored options (either library's dialect) read back in the common shape, defaults left
 * out, so the same add reads the same on both sides (the creation time is `job.timestamp`).
 */
export function readJobOptions(raw: Record<string, unknown> | undefined): JobOptions {
  const out: JobOptions = {};
  if (!raw) return out;
  for (const key of JOB_KEYS) {
    const value = raw[key];
    if (key === 'timestamp' || value === undefined || value === null || (typeof value === 'number' && Number.isNaN(value))) continue;
    if (key === 'attempts' && (value as number) <= 1) continue;
    if (DEFAULTS[key] === value) continue;
    if (key === 'backoff') out.backoff = typeof value === 'number' ? { type: 'fixed', delay: value } : (value as BackoffOptions);
    else (out as Record<string, unknown>)[key] = value;
  }
  const debounce = raw.debounce as { id: string; ttl?: number } | undefined;
  if (debounce && !out.deduplication) out.deduplication = debounce;
  return out;
}
