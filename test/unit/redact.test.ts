import { describe, expect, it } from 'vitest';
import { redact, redactDeep, registerSecret } from '../../src/redact.js';
import { parseRedisUrl } from '../../src/redis/url.js';

describe('redact', () => {
  it('masks passwords in URLs, bearer tokens and token parameters', () => {
    expect(redact('cannot reach redis://:hunter2@10.0.0.5:6379/0')).toBe('cannot reach redis://:***@10.0.0.5:6379/0');
    expect(redact('rediss://admin:s3cr3t@host')).toBe('rediss://admin:***@host');
    expect(redact('Authorization: Bearer AXyz123==')).toBe('Authorization: Bearer ***');
    expect(redact('http://h/get/x?_token=abc123&y=1')).toBe('http://h/get/x?_token=***&y=1');
  });

  it('masks registered secrets anywhere, also inside JSON values', () => {
    registerSecret('pa55-word-xyz');
    expect(redactDeep({ a: ['the pa55-word-xyz leaked'], n: 3 })).toEqual({ a: ['the *** leaked'], n: 3 });
  });
});

describe('parseRedisUrl', () => {
  it('parses host, port, db, TLS and credentials, and displays no password', () => {
    const endpoint = parseRedisUrl('rediss://user:p%40ss@cache.example.com:6380/2');
    expect(endpoint).toMatchObject({ host: 'cache.example.com', port: 6380, db: 2, tls: true, username: 'user', password: 'p@ss' });
    expect(endpoint.display).toBe('rediss://user:***@cache.example.com:6380/2');
  });

  it.each(['not a url', 'http://localhost:6379', 'redis://host:6379/x'])('rejects %j with a usage error', (url) => {
    expect(() => parseRedisUrl(url)).toThrow(expect.objectContaining({ exitCode: 2, code: 'redis.url' }));
  });
});
