/** The one polling helper every test waits with (test/support/wait.ts). */
import { describe, expect, it } from 'vitest';
import { waitFor, waitForValue } from '../support/wait.js';

function counter() {
  let n = 0;
  return () => ++n;
}

describe('waitFor', () => {
  it('returns the first truthy value, checking again until there is one', async () => {
    const next = counter();
    expect(await waitFor(() => (next() >= 3 ? 'ready' : ''), { intervalMs: 1 })).toBe('ready');
  });

  it('counts a check that throws as "not yet", and reports its error on timeout', async () => {
    const next = counter();
    expect(await waitFor(async () => (next() < 3 ? Promise.reject(new Error('connection refused')) : true), { intervalMs: 1 })).toBe(true);
    await expect(waitFor(() => Promise.reject(new Error('connection refused')), { timeoutMs: 30, intervalMs: 5, what: 'redis to answer' })).rejects.toThrow(
      /^timed out after 30 ms waiting for redis to answer \(\d+ checks; last error: Error: connection refused\)$/,
    );
  });
});

describe('waitForValue', () => {
  it('returns the value the predicate accepted', async () => {
    const next = counter();
    expect(await waitForValue(next, (n) => n === 4, { intervalMs: 1 })).toBe(4);
  });

  it('names what it waited for and the last value read when it times out', async () => {
    const started = Date.now();
    await expect(
      waitForValue(
        () => ({ total: 7, byRole: { worker: 3 } }),
        (doc) => doc.total === 0,
        { timeoutMs: 40, intervalMs: 10, what: 'every connection to close' },
      ),
    ).rejects.toThrow('waiting for every connection to close (');
    await expect(
      waitForValue(
        () => ({ total: 7 }),
        () => false,
        { timeoutMs: 20 },
      ),
    ).rejects.toThrow(/waiting for the condition \(\d+ checks; last value: \{ total: 7 \}\)/);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('checks at least once, even with no time left', async () => {
    expect(
      await waitForValue(
        () => 'now',
        () => true,
        { timeoutMs: 0 },
      ),
    ).toBe('now');
  });
});
