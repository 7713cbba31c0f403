/**
 * Tests wait on conditions (test/support/wait.ts), not on time: a fixed sleep over 500 ms in a
 * test file or test helper fails here. A short sleep is allowed where a test shows that something
 * does NOT happen within a window; it says so in a comment.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const TEST_DIR = fileURLToPath(new URL('..', import.meta.url));
const SELF = relative(TEST_DIR, fileURLToPath(import.meta.url)); // its examples below are sleeps
const LIMIT_MS = 500;

/** `setTimeout(resolve, N)` inside a promise, or `sleep(N)` / `delay(N)` / `pause(N)`, with a literal N. */
const SLEEP = /setTimeout\(\s*(?:r|res|resolve|done)\s*,\s*([\d_]+)\s*\)|\b(?:sleep|delay|pause)\(\s*([\d_]+)\s*\)/g;

/** Every fixed sleep in a source text: its line and duration. */
function fixedSleeps(text: string): { line: number; ms: number }[] {
  return text
    .split('\n')
    .flatMap((line, index) => [...line.matchAll(SLEEP)].map((match) => ({ line: index + 1, ms: Number((match[1] ?? match[2] ?? '').replaceAll('_', '')) })));
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'fixtures' ? [] : sourceFiles(path);
    return /\.(ts|mts|js|mjs)$/.test(entry.name) ? [path] : [];
  });
}

describe('no fixed sleeps in tests', () => {
  it('finds the usual ways of sleeping, with their duration', () => {
    const text = [
      'await new Promise((r) => setTimeout(r, 1500));',
      'await new Promise((resolve) => setTimeout(resolve, 3_200)); // soak',
      "import { setTimeout as sleep } from 'node:timers/promises';",
      'await sleep(3000);',
      'await delay(200);',
      'const timer = setTimeout(() => child.kill(), 60_000);',
    ].join('\n');
    expect(fixedSleeps(text)).toEqual([
      { line: 1, ms: 1500 },
      { line: 2, ms: 3200 },
      { line: 4, ms: 3000 },
      { line: 5, ms: 200 },
    ]);
  });

  it(`none over ${LIMIT_MS} ms under test/`, () => {
    const found = sourceFiles(TEST_DIR)
      .map((path) => relative(TEST_DIR, path))
      .filter((file) => file !== SELF)
      .flatMap((file) =>
        fixedSleeps(readFileSync(join(TEST_DIR, file), 'utf8'))
          .filter((sleep) => sleep.ms > LIMIT_MS)
          .map((sleep) => `${file}:${sleep.line} sleeps ${sleep.ms} ms`),
      );
    expect(found).toEqual([]);
  });
});
