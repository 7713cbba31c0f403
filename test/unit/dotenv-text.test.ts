import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { quoteDotenvValue, readDotenvValues, rewriteDotenv } from '../../src/sinks/dotenv-text.js';

describe('rewriteDotenv', () => {
  it('updates keys in place and keeps comments, blank lines, order and other keys', () => {
    const before = '# app settings\nPORT=3000\n\nUSE_BULLMQ=false # flipped by redis-migrate\nexport BULLMQ_TIERS=\nSECRET="a b"\n';
    const after = rewriteDotenv(before, { USE_BULLMQ: 'true', BULLMQ_TIERS: 'non-critical,medium' });
    expect(after).toBe('# app settings\nPORT=3000\n\nUSE_BULLMQ=true # flipped by redis-migrate\nexport BULLMQ_TIERS=non-critical,medium\nSECRET="a b"\n');
  });

  it('appends missing keys and creates content for an empty file', () => {
    expect(rewriteDotenv('A=1', { USE_HTTP_REDIS: 'true' })).toBe('A=1\nUSE_HTTP_REDIS=true\n');
    expect(rewriteDotenv('', { USE_BULLMQ: 'false' })).toBe('USE_BULLMQ=false\n');
  });

  it('keeps CRLF line endings', () => {
    expect(rewriteDotenv('A=1\r\nUSE_BULLMQ=false\r\n', { USE_BULLMQ: 'true' })).toBe('A=1\r\nUSE_BULLMQ=true\r\n');
  });

  it('quotes values that need it, and reads them back', () => {
    const text = rewriteDotenv('', { NOTE: 'two words' });
    expect(text).toBe("NOTE='two words'\n");
    expect(readDotenvValues(text)).toEqual({ NOTE: 'two words' });
    expect(readDotenvValues('A=\'x\'\nB=y # c\nC="q\\"d"\n')).toEqual({ A: 'x', B: 'y', C: 'q"d' });
  });
});

describe('dotenv values and the shell', () => {
  const marker = join(tmpdir(), `redis-migrate-dotenv-${process.pid}`);
  const hostile = [
    `x$(touch ${marker})`,
    `x\`touch ${marker}\``,
    `non-critical,x;touch ${marker}`,
    `a && touch ${marker} #`,
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell expansion, written literally: the value must reach .env untouched
    '$HOME ${PATH} !! * ? [a] ~ \\ " end',
    'tab\there',
  ];

  it('sourcing the file with `set -a; . ./file` runs nothing and yields every value unchanged', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dotenv-'));
    try {
      const values = Object.fromEntries(hostile.map((value, i) => [`V${i}`, value]));
      const file = join(dir, '.env');
      writeFileSync(file, rewriteDotenv('# kept\nPLAIN=non-critical,medium\n', values));
      const env = execFileSync('sh', ['-c', 'set -a; . ./.env; env -0'], { cwd: dir, env: {} }).toString('utf8');
      const sourced = Object.fromEntries(
        env
          .split('\0')
          .filter(Boolean)
          .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
      );
      expect(existsSync(marker)).toBe(false);
      for (const [name, value] of Object.entries(values)) expect(sourced[name]).toBe(value);
      expect(sourced.PLAIN).toBe('non-critical,medium');
      expect(readDotenvValues(readFileSync(file, 'utf8'))).toMatchObject(values);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      rmSync(marker, { force: true });
    }
  });

  it('refuses a value no quoting can hold safely (a quote or a line break) instead of writing it', () => {
    expect(() => rewriteDotenv('', { A: "it's" })).toThrow(/cannot write .* safely/);
    expect(() => rewriteDotenv('', { A: 'two\nlines' })).toThrow(/cannot write .* safely/);
    expect(quoteDotenvValue('non-critical,medium')).toBe('non-critical,medium');
  });
});
