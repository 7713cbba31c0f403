/**
 * A repeatable's schedule in one shape, written as Bull's `repeat: { cron }` or BullMQ's job
 * scheduler `{ pattern }` (pure). Only what both libraries compute the same way is accepted, so
 * the ticks line up on both sides and a move between them can keep every tick.
 */
import { QueueOptionError } from './errors.js';
import type { RepeatOptions } from './types.js';

/** A schedule both sides fire on the same ticks. Dates are ms. */
export interface Schedule {
  pattern: string;
  tz?: string;
  startDate?: number;
  endDate?: number;
}

const WHY_NOT: Record<string, string> = {
  every:
    'Bull aligns "every" to multiples of the interval and BullMQ to when the schedule was created, so their ticks never line up; write the interval as a cron pattern (every 5 minutes: "*/5 * * * *")',
  limit: 'a repeat count restarts from 0 on the side a schedule moves to; stop it with endDate instead',
  count: 'a repeat count restarts from 0 on the side a schedule moves to',
  immediately: 'only BullMQ has it',
  offset: 'only BullMQ has it',
  utc: 'pass tz: "UTC" instead',
  key: 'the adapter names the schedule after its name',
  jobId: 'the adapter names the schedule after its name',
  prevMillis: 'it is internal to both libraries',
};

function date(where: string, name: string, value: unknown): number {
  const millis = value instanceof Date ? value.getTime() : typeof value === 'string' || typeof value === 'number' ? new Date(value).getTime() : Number.NaN;
  if (!Number.isFinite(millis))
    throw new QueueOptionError(
      'queues.repeat-option',
      `${where}: ${name} is not a date: ${JSON.stringify(value)}`,
      'pass a Date, an ISO string or epoch milliseconds',
    );
  return millis;
}

/** @throws QueueOptionError for a missing pattern, or an option that would not move tick for tick. */
export function normalizeSchedule(input: RepeatOptions, where: string): Schedule {
  if (typeof input !== 'object' || input === null)
    throw new QueueOptionError('queues.repeat-option', `${where}: repeat options must be an object`, "e.g. { pattern: '*/5 * * * *' }");
  for (const key of Object.keys(input)) {
    if (key in WHY_NOT)
      throw new QueueOptionError('queues.repeat-option', `${where}: repeat option "${key}" cannot be used while the queue migrates`, WHY_NOT[key] as string);
    if (!['pattern', 'cron', 'tz', 'startDate', 'endDate'].includes(key)) {
      throw new QueueOptionError('queues.repeat-option', `${where}: unknown repeat option "${key}"`, 'supported: pattern (or cron), tz, startDate, endDate');
    }
  }
  const { pattern, cron } = input;
  if (pattern !== undefined && cron !== undefined && pattern !== cron) {
    throw new QueueOptionError('queues.repeat-option', `${where}: both pattern and cron are set`, "keep one (cron is Bull's name for pattern)");
  }
  const text = pattern ?? cron;
  if (typeof text !== 'string' || text.trim() === '')
    throw new QueueOptionError(
      'queues.repeat-option',
      `${where}: a repeatable needs a cron pattern`,
      "e.g. { pattern: '*/5 * * * *' } (six fields for seconds)",
    );
  const schedule: Schedule = { pattern: text.trim() };
  if (input.tz !== undefined) {
    if (typeof input.tz !== 'string' || input.tz === '')
      throw new QueueOptionError('queues.repeat-option', `${where}: tz must be a time zone name`, "e.g. tz: 'Europe/Berlin'");
    schedule.tz = input.tz;
  }
  if (input.startDate !== undefined) schedule.startDate = date(where, 'startDate', input.startDate);
  if (input.endDate !== undefined) schedule.endDate = date(where, 'endDate', input.endDate);
  return schedule;
}

/** Bull 4's `repeat` option. */
export function toBullRepeat(schedule: Schedule): { cron: string; tz?: string; startDate?: number; endDate?: number } {
  const { pattern, ...rest } = schedule;
  return { cron: pattern, ...rest };
}

/** BullMQ 6's job scheduler options. */
export function toBullmqRepeat(schedule: Schedule): Schedule {
  return { ...schedule };
}
