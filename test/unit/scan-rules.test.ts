/**
 * Every rule on its fixtures: each line marked `// expect: rule-id` must produce exactly those
 * findings, and every unmarked line (the look-alikes included) none. Also: every rule of the
 * catalogue has a positive fixture, and its docs section exists.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { scanCode } from '../../src/scan/scan.js';
import { RULES } from '../../src/scan/rules/index.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/scan/', import.meta.url));
const SUITES = ['js', 'ts', 'nest', 'broken'] as const;

function expected(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    readFileSync(join(dir, name), 'utf8')
      .split('\n')
      .forEach((line, i) => {
        const match = /\/\/ expect: (.+)$/.exec(line);
        for (const rule of match?.[1]?.trim().split(/\s+/) ?? []) out.push(`${name}:${i + 1} ${rule}`);
      });
  }
  return [...new Set(out)].sort();
}

describe('scan rules on the fixtures', () => {
  it.each(SUITES)('%s: exactly the marked findings', async (suite) => {
    const dir = join(FIXTURES, suite);
    const result = await scanCode({ paths: [dir], cwd: dir });
    const actual = [...new Set(result.findings.map((finding) => `${finding.file}:${finding.line} ${finding.rule}`))].sort();
    expect(actual).toEqual(expected(dir));
  });

  it('a file that does not parse is reported, and the others are still scanned', async () => {
    const dir = join(FIXTURES, 'broken');
    const result = await scanCode({ paths: [dir], cwd: dir });
    expect(result.unparsed).toEqual([expect.objectContaining({ file: 'broken.ts', line: 2 })]);
    expect(result.findings.some((finding) => finding.file === 'fine.js')).toBe(true);
  });

  it('every rule has a positive fixture and a section in docs/scan.md', () => {
    const marked = new Set(SUITES.flatMap((suite) => expected(join(FIXTURES, suite)).map((entry) => entry.split(' ')[1])));
    const docs = readFileSync(fileURLToPath(new URL('../../docs/scan.md', import.meta.url)), 'utf8');
    const queueRules = new Set(['queues-not-in-plan', 'queues-not-in-code']); // covered in scan-queues.test.ts
    for (const rule of RULES) {
      if (!queueRules.has(rule.id)) expect(marked, rule.id).toContain(rule.id);
      expect(docs, rule.id).toContain(`### ${rule.id}\n`);
    }
  });
});
