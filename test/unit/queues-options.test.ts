/** redis-migrate/queues: job and repeat options in one shape, translated both ways, refused when one side lacks them. */
import { describe, expect, it } from 'vitest';
import { QueueOptionError } from '../../src/adapters/queues/errors.js';
import { normalizeJobOptions, normalizeRepeatJobOptions, readJobOptions, toBullJobOptions, toBullmqJobOptions } from '../../src/adapters/queues/job-options.js';
import { normalizeSchedule, toBullmqRepeat, toBullRepeat } from '../../src/adapters/queues/repeat-options.js';
import { resolveSettings } from '../../src/adapters/queues/settings.js';
import type { AddOptions, QueueFlags, RepeatOptions } from '../../src/adapters/queues/types.js';

const strategies = new Set(['linear']);
const normalize = (options: unknown) => normalizeJobOptions(options as AddOptions, strategies, 'q add "x"');

describe('job options both libraries share', () => {
  it.each([
    ['jobId', { jobId: 'user-1' }, { jobId: 'user-1' }, { jobId: 'user-1' }],
    ['jobId with exactly two colons (BullMQ allows it)', { jobId: 'a:b:c' }, { jobId: 'a:b:c' }, { jobId: 'a:b:c' }],
    ['attempts', { attempts: 3 }, { attempts: 3 }, { attempts: 3 }],
    [
      'backoff object',
      { backoff: { type: 'exponential', delay: 1000 } },
      { backoff: { type: 'exponential', delay: 1000 } },
      { backoff: { type: 'exponential', delay: 1000 } },
    ],
    ['backoff number (fixed)', { backoff: 500 }, { backoff: { type: 'fixed', delay: 500 } }, { backoff: { type: 'fixed', delay: 500 } }],
    ['custom backoff type', { backoff: { type: 'linear', delay: 10 } }, { backoff: { type: 'linear', delay: 10 } }, { backoff: { type: 'linear', delay: 10 } }],
    ['delay', { delay: 2500 }, { delay: 2500 }, { delay: 2500 }],
    ['priority', { priority: 5 }, { priority: 5 }, { priority: 5 }],
    ['priority 0 means none on both sides', { priority: 0 }, {}, {}],
    ['lifo', { lifo: true }, { lifo: true }, { lifo: true }],
    ['removeOnComplete true', { removeOnComplete: true }, { removeOnComplete: true }, { removeOnComplete: true }],
    ['removeOnComplete count', { removeOnComplete: 1000 }, { removeOnComplete: 1000 }, { removeOnComplete: 1000 }],
    [
      'removeOnFail keep-jobs',
      { removeOnFail: { age: 3600, count: 10 } },
      { removeOnFail: { age: 3600, count: 10 } },
      { removeOnFail: { age: 3600, count: 10 } },
    ],
    ['stackTraceLimit', { stackTraceLimit: 5 }, { stackTraceLimit: 5 }, { stackTraceLimit: 5 }],
    ['timestamp', { timestamp: 1_700_000_000_000 }, { timestamp: 1_700_000_000_000 }, { timestamp: 1_700_000_000_000 }],
    [
      'deduplication (BullMQ name) becomes Bull debounce',
      { deduplication: { id: 'd1', ttl: 500 } },
      { debounce: { id: 'd1', ttl: 500 } },
      { deduplication: { id: 'd1', ttl: 500 } },
    ],
    ['debounce (Bull name) becomes BullMQ deduplication', { debounce: { id: 'd1' } }, { debounce: { id: 'd1' } }, { deduplication: { id: 'd1' } }],
  ])('%s', (_label, input, bull, bullmq) => {
    const common = normalize(input);
    expect(toBullJobOptions(common)).toEqual(bull);
    expect(toBullmqJobOptions(common)).toEqual(bullmq);
  });

  it('accepts no options at all, and skips undefined values', () => {
    expect(normalize(undefined)).toEqual({});
    expect(normalize({ attempts: undefined, delay: 5 })).toEqual({ delay: 5 });
  });
});

describe('options one side cannot honour are refused at add, whichever side the add goes to', () => {
  it.each([
    ['timeout (Bull only)', { timeout: 1000 }, /"timeout" exists only in Bull/, /AbortSignal/],
    ['preventParsingData (Bull only)', { preventParsingData: true }, /exists only in Bull/, /parse it in the handler/],
    ['keepLogs (BullMQ only)', { keepLogs: 10 }, /"keepLogs" exists only in BullMQ/, /after phase 3/],
    ['sizeLimit (BullMQ only)', { sizeLimit: 1024 }, /exists only in BullMQ/, /after phase 3/],
    ['parent (BullMQ flows)', { parent: { id: '1', queue: 'bull:x' } }, /exists only in BullMQ/, /after phase 3/],
    ['telemetry (BullMQ only)', { telemetry: { metadata: 'x' } }, /exists only in BullMQ/, /after phase 3/],
    ['backoff jitter (BullMQ only)', { backoff: { type: 'fixed', delay: 1, jitter: 0.5 } }, /jitter exists only in BullMQ/, /custom strategy/],
    ['backoff options (Bull only)', { backoff: { type: 'linear', options: { step: 2 } } }, /backoff.options .* only in Bull/, /closure/],
    ['removeOnComplete.limit (BullMQ only)', { removeOnComplete: { age: 1, limit: 5 } }, /limit exists only in BullMQ/, /age, count/],
    ['deduplication.extend (BullMQ only)', { deduplication: { id: 'd', extend: true } }, /deduplication.extend exists only in BullMQ/, /debounce/],
    ['repeat on add (one side only)', { repeat: { cron: '* * * * *' } }, /schedule on one side only/, /queue.repeat/],
    ['a numeric jobId (BullMQ refuses)', { jobId: 42 }, /is a number/, /"job-42"/],
    ['an integer jobId string (BullMQ refuses)', { jobId: '42' }, /is an integer/, /job-42/],
    ['a jobId with one colon (BullMQ refuses)', { jobId: 'user:1' }, /contains ":"/, /"-"/],
    ['a backoff type without strategy', { backoff: { type: 'fibonacci' } }, /"fibonacci" has no strategy/, /backoffStrategies/],
    ["priority above BullMQ's limit", { priority: 2 ** 21 }, /above 2097151/, /1 \(highest\)/],
    ['attempts 0', { attempts: 0 }, /at least 1/, /attempts: 3/],
    ['a negative delay', { delay: -1 }, /non-negative/, /delay: 1000/],
    ['an unknown option (typo)', { attempt: 3 }, /unknown job option "attempt"/, /supported: jobId, attempts/],
    ['deduplication and debounce both', { deduplication: { id: 'a' }, debounce: { id: 'a' } }, /both deduplication and debounce/, /keep one/],
  ])('%s', (_label, input, message, fix) => {
    let error: unknown;
    try {
      normalize(input);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(QueueOptionError);
    expect((error as QueueOptionError).message).toMatch(/^q add "x": /);
    expect((error as QueueOptionError).message).toMatch(message);
    expect((error as QueueOptionError).fix).toMatch(fix);
  });

  it('allows only per-tick options on a repeatable', () => {
    expect(normalizeRepeatJobOptions({ attempts: 2, removeOnComplete: 10 }, strategies, 'r')).toEqual({ attempts: 2, removeOnComplete: 10 });
    expect(() => normalizeRepeatJobOptions({ jobId: 'x' } as never, strategies, 'r')).toThrow(/cannot be set on a repeatable's jobs/);
    expect(() => normalizeRepeatJobOptions({ delay: 5 } as never, strategies, 'r')).toThrow(/cannot be set on a repeatable's jobs/);
  });
});

describe('options read back from a stored job', () => {
  it("reads Bull's and BullMQ's stored options alike, defaults left out", () => {
    const bull = {
      jobId: 'u1',
      attempts: 3,
      backoff: { type: 'exponential', delay: 100 },
      removeOnComplete: 10,
      delay: 0,
      timestamp: 1,
      debounce: { id: 'd' },
    };
    const bullmq = { attempts: 3, jobId: 'u1', removeOnComplete: 10, backoff: { delay: 100, type: 'exponential' }, deduplication: { id: 'd' } };
    expect(readJobOptions(bull)).toEqual(readJobOptions(bullmq));
    expect(readJobOptions({ attempts: Number.NaN, delay: 0, priority: 0 })).toEqual({});
    expect(readJobOptions({ attempts: 0, backoff: 300 })).toEqual({ backoff: { type: 'fixed', delay: 300 } });
  });
});

describe('repeat schedules', () => {
  it.each<[string, RepeatOptions, object, object]>([
    ['BullMQ pattern', { pattern: '*/5 * * * *' }, { cron: '*/5 * * * *' }, { pattern: '*/5 * * * *' }],
    ['Bull cron', { cron: '0 * * * * *' }, { cron: '0 * * * * *' }, { pattern: '0 * * * * *' }],
    [
      'tz and dates',
      { pattern: '0 9 * * *', tz: 'Europe/Berlin', startDate: '2027-01-01T00:00:00Z', endDate: new Date(1_900_000_000_000) },
      { cron: '0 9 * * *', tz: 'Europe/Berlin', startDate: 1798761600000, endDate: 1_900_000_000_000 },
      { pattern: '0 9 * * *', tz: 'Europe/Berlin', startDate: 1798761600000, endDate: 1_900_000_000_000 },
    ],
  ])('%s', (_label, input, bull, bullmq) => {
    const schedule = normalizeSchedule(input, 'r');
    expect(toBullRepeat(schedule)).toEqual(bull);
    expect(toBullmqRepeat(schedule)).toEqual(bullmq);
  });

  it.each([
    [{ every: 5000 }, /"every" cannot be used/, /cron pattern/],
    [{ pattern: '* * * * *', limit: 3 }, /"limit"/, /endDate/],
    [{ pattern: '* * * * *', immediately: true }, /"immediately"/, /only BullMQ/],
    [{ pattern: '* * * * *', cron: '0 * * * *' }, /both pattern and cron/, /keep one/],
    [{}, /needs a cron pattern/, /six fields/],
    [{ pattern: '* * * * *', startDate: 'soon' }, /startDate is not a date/, /ISO string/],
    [{ pattern: '* * * * *', when: 1 }, /unknown repeat option "when"/, /supported/],
  ])('refuses %j', (input, message, fix) => {
    expect(() => normalizeSchedule(input as RepeatOptions, 'r')).toThrow(message);
    try {
      normalizeSchedule(input as RepeatOptions, 'r');
    } catch (error) {
      expect((error as QueueOptionError).fix).toMatch(fix);
    }
  });
});

describe('adapter settings', () => {
  const flags: QueueFlags = { app: 'worker', useBullMQ: () => false, on: () => undefined, off: () => undefined };

  it("defaults to the plan's prefixes, per-queue topology and both libraries' lock settings", () => {
    const settings = resolveSettings({ flags });
    expect(settings).toMatchObject({
      name: 'worker',
      prefixes: { bull: 'bull', bullmq: 'bullmq' },
      topology: { kind: 'per-queue' },
      worker: { lockDuration: 30_000, stalledInterval: 30_000, maxStalledCount: 1, drainDelay: 5 },
    });
    expect(resolveSettings({ flags, topology: { merged: 'jobs', concurrency: 8 } }).topology).toEqual({ kind: 'merged', queue: 'jobs', concurrency: 8 });
  });

  it.each([
    [{ bullmq: { prefix: 'bull' } }, /share the prefix "bull"/],
    [{ topology: { merged: 'a:b' } }, /topology.merged/],
    [{ drain: { settleMs: -1 } }, /drain.settleMs must be a non-negative number/],
    [{ backoffStrategies: { linear: 5 } }, /backoffStrategies.linear is not a function/],
    [{ flags: undefined }, /needs flags/],
  ])('refuses %j', (extra, message) => {
    expect(() => resolveSettings({ flags, ...(extra as object) })).toThrow(message);
  });
});
