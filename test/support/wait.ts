/**
 * Waiting in tests: poll a condition until it holds, never sleep for a fixed time. A condition
 * says what the test is waiting for, so it is as fast as the system allows and fails with a
 * message that names the condition and what was last seen, instead of a flaky assertion later.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { inspect } from 'node:util';

export interface WaitOptions {
  /** Give up after this long, ms (default 10 000; keep it under the test's own timeout). */
  timeoutMs?: number;
  /** Time between two checks, ms (default 20). */
  intervalMs?: number;
  /** What is awaited, for the timeout message: "the lock to expire". */
  what?: string;
}

/** A value as it reads in a one-line error message. */
function shown(value: unknown): string {
  const text =
    value instanceof Error ? `${value.name}: ${value.message}` : inspect(value, { depth: 3, breakLength: Infinity, maxArrayLength: 20, maxStringLength: 200 });
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}

/**
 * Polls `read` until `accept(value)` holds and returns that value. A read (or accept) that throws
 * counts as "not yet" (a server still starting); the timeout error shows the last value or error.
 */
export async function waitForValue<T>(read: () => T | Promise<T>, accept: (value: T) => boolean, options: WaitOptions = {}): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const started = Date.now();
  let checks = 0;
  let last: { value: T } | { error: unknown } | undefined;
  for (;;) {
    checks++;
    try {
      const value = await read();
      last = { value };
      if (accept(value)) return value;
    } catch (error) {
      last = { error };
    }
    const left = timeoutMs - (Date.now() - started);
    if (left <= 0) break;
    await delay(Math.min(options.intervalMs ?? 20, left));
  }
  const seen = last === undefined ? 'nothing' : 'error' in last ? `last error: ${shown(last.error)}` : `last value: ${shown(last.value)}`;
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${options.what ?? 'the condition'} (${checks} checks; ${seen})`);
}

type Truthy<T> = Exclude<T, false | 0 | 0n | '' | null | undefined>;

/** Polls `check` until it returns a truthy value (true, a found record, a non-empty list) and returns it. */
export async function waitFor<T>(check: () => T | Promise<T>, options: WaitOptions = {}): Promise<Truthy<T>> {
  return (await waitForValue(check, Boolean, options)) as Truthy<T>;
}
