import { describe, expect, it } from 'vitest';
import { readDotenvValues, rewriteDotenv } from '../../src/flags/sinks/dotenv-text.js';

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
    expect(text).toBe('NOTE="two words"\n');
    expect(readDotenvValues(text)).toEqual({ NOTE: 'two words' });
    expect(readDotenvValues("A='x'\nB=y # c\n")).toEqual({ A: 'x', B: 'y' });
  });
});
