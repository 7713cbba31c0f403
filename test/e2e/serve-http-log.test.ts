/** `serve-http --log-requests` prints routes and command names, never the arguments in a path. */
import { execa } from 'execa';
import { describe, expect, inject, it } from 'vitest';
import { BIN, uniqueNamespace } from '../support/cli.js';
import { loggedPath } from '../../src/http/request-log.js';

describe('serve-http --log-requests', () => {
  it('logs path-style commands as /<command>/... and never their keys or values', async () => {
    const child = execa('node', [BIN, 'serve-http', '--port', '0', '--json', '--log-requests', '--redis-url', inject('redisUrl')], {
      reject: false,
      env: { NO_COLOR: '1', UPSTASH_REDIS_REST_TOKEN: 'log-test-token-123' },
      stdin: 'ignore',
      timeout: 30_000,
    });
    const ready = await new Promise<{ url: string }>((resolve, reject) => {
      let text = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        text += chunk.toString('utf8');
        if (text.includes('\n')) resolve((JSON.parse(text) as { result: { url: string } }).result);
      });
      child.once('exit', () => reject(new Error(`exited before ready: ${text}`)));
    });
    const auth = { authorization: 'Bearer log-test-token-123' };
    const key = `${uniqueNamespace('log')}:sms:+15551234`;
    expect((await fetch(`${ready.url}/set/${encodeURIComponent(key)}/value-0xC0FFEE`, { headers: auth })).status).toBe(200);
    expect((await fetch(`${ready.url}/del/${encodeURIComponent(key)}`, { method: 'POST', headers: auth })).status).toBe(200);
    expect((await fetch(`${ready.url}/get/hunter2-typed-by-a-stranger`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    child.kill('SIGTERM');
    const stderr = String((await child).stderr);
    expect(stderr).toMatch(/GET \/set\/\.\.\. 200 /);
    expect(stderr).toMatch(/POST \/del\/\.\.\. 200/);
    expect(stderr).toMatch(/GET \/get\/\.\.\. 401/);
    for (const secret of ['15551234', 'C0FFEE', 'hunter2']) expect(stderr).not.toContain(secret);
  });

  it.each([
    ['/', '/'],
    ['/pipeline', '/pipeline'],
    ['/subscribe/user:42:events', '/subscribe/...'],
    ['/incr', '/incr'],
    ['/%24%28touch%20x%29/a', '/?/...'],
  ])('%s is logged as %s', (path, logged) => {
    expect(loggedPath(path)).toBe(logged);
  });
});
