import { describe, expect, it } from 'vitest';
import { redact, redactDeep, redactUrl, registerSecret } from '../../src/redact.js';
import { parseRedisUrl } from '../../src/redis/url.js';

describe('redact', () => {
  it('masks the user-info of URLs, bearer tokens and token parameters', () => {
    expect(redact('cannot reach redis://:hunter2@10.0.0.5:6379/0')).toBe('cannot reach redis://***@10.0.0.5:6379/0');
    expect(redact('rediss://admin:s3cr3t@host')).toBe('rediss://***@host');
    expect(redact('Authorization: Bearer AXyz123==')).toBe('Authorization: Bearer ***');
    expect(redact('http://h/get/x?_token=abc123&y=1')).toBe('http://h/get/x?_token=***&y=1');
  });

  // Passwords written into a URL unencoded: the parser cannot tell where the user-info ends, so
  // everything up to the last "@" of the word goes.
  it.each([
    ['redis://:pa/ss@host:6379', 'redis://***@host:6379'],
    ['redis://user:pa/ss@host:6379/2', 'redis://***@host:6379/2'],
    ['redis://:p@ss@host', 'redis://***@host'],
    ['redis://us@er:p@s/s:w@host', 'redis://***@host'],
    ['redis://:a:b:c@host', 'redis://***@host'],
    ['redis://secret-without-colon@host', 'redis://***@host'],
  ])('masks every part of the user-info in %j', (url, masked) => {
    expect(redact(`malformed Redis URL "${url}" (exit 2)`)).toBe(`malformed Redis URL "${masked}" (exit 2)`);
    expect(redactUrl(url)).toBe(masked);
  });

  it('a URL that fails to parse is masked before the error is built', () => {
    for (const url of ['redis://user:pa/ss@host:6379', 'redis://:s3cr#et@h', 'redis://:s3cr?et@h', 'redis://u:12/x@host']) {
      let message = '';
      try {
        parseRedisUrl(url);
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toMatch(/^(malformed Redis URL|bad database number)/);
      for (const part of ['pa/ss', 'pa', 'ss', 's3cr', 'et@', '12/x', 'x@']) expect(message).not.toContain(part);
    }
  });

  it('leaves URLs without user-info and plain e-mail-like words alone', () => {
    expect(redact('see https://example.com/docs and ops@example.com')).toBe('see https://example.com/docs and ops@example.com');
    expect(redactUrl('redis://127.0.0.1:6379/3')).toBe('redis://127.0.0.1:6379/3');
  });

  it('masks registered secrets anywhere, also inside JSON values', () => {
    registerSecret('pa55-word-xyz');
    expect(redactDeep({ a: ['the pa55-word-xyz leaked'], n: 3 })).toEqual({ a: ['the *** leaked'], n: 3 });
  });
});

describe('parseRedisUrl', () => {
  it('parses host, port, db, TLS and credentials, and displays no user-info', () => {
    const endpoint = parseRedisUrl('rediss://user:p%40ss@cache.example.com:6380/2');
    expect(endpoint).toMatchObject({ host: 'cache.example.com', port: 6380, db: 2, tls: true, username: 'user', password: 'p@ss' });
    expect(endpoint.display).toBe('rediss://***@cache.example.com:6380/2');
  });

  it.each(['not a url', 'http://localhost:6379', 'redis://host:6379/x'])('rejects %j with a usage error', (url) => {
    expect(() => parseRedisUrl(url)).toThrow(expect.objectContaining({ exitCode: 2, code: 'redis.url' }));
  });
});
