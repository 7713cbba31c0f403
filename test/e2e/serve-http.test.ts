/** `serve-http` as a process: ready document, real clients, graceful stop on signals, errors. */
import { Redis as Upstash } from '@upstash/redis';
import { execa, type ResultPromise } from 'execa';
import { createServer } from 'node:net';
import { describe, expect, inject, it } from 'vitest';
import { BIN, runCli, uniqueNamespace } from '../support/cli.js';
import { freePort } from '../support/redis-server.js';

process.env.UPSTASH_DISABLE_TELEMETRY = '1';

function start(args: string[], env: Record<string, string> = {}): ResultPromise {
  return execa('node', [BIN, 'serve-http', '--port', '0', '--redis-url', inject('redisUrl'), ...args], {
    reject: false,
    env: { NO_COLOR: '1', UPSTASH_REDIS_REST_TOKEN: '', ...env },
    stdin: 'ignore',
    timeout: 30_000,
  });
}

/** Everything the process printed on stdout up to the first newline. */
function firstLine(child: ResultPromise, lines = 1): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      if (text.split('\n').length > lines) resolve(text);
    });
    child.once('exit', () => reject(new Error(`exited before printing: ${text}`)));
  });
}

describe('serve-http', () => {
  it('prints one JSON document when ready, serves @upstash/redis, and stops cleanly on SIGTERM', async () => {
    const child = start(['--json']);
    const document = JSON.parse(await firstLine(child));
    expect(document).toMatchObject({ ok: true, command: 'serve-http', schemaVersion: 1 });
    const ready = document.result as { url: string; token: string; tokenSource: string; port: number; redis: string; limits: unknown };
    expect(ready).toMatchObject({ tokenSource: 'generated', redis: inject('redisUrl') });
    expect(ready.url).toBe(`http://127.0.0.1:${ready.port}`);
    expect(ready.token.length).toBeGreaterThanOrEqual(32);
    expect(ready).toMatchObject({
      limits: { maxRequestBytes: 10 * 1024 * 1024, maxPipelineCommands: 10_000, maxInFlightBytes: 32 * 1024 * 1024, maxSseBacklogBytes: 1024 * 1024 },
      allowFlush: false,
    });

    const redis = new Upstash({ url: ready.url, token: ready.token });
    const key = `${uniqueNamespace('serve')}:k`;
    await redis.set(key, 'test');
    expect(await redis.get(key)).toBe('test');
    await redis.del(key);

    child.kill('SIGTERM');
    const result = await child;
    expect(result.exitCode).toBe(0);
    // stdout stayed one document; the logs went to stderr without the token.
    expect(String(result.stdout).trim().split('\n')).toHaveLength(1);
    expect(String(result.stderr)).toMatch(/stopping: finishing in-flight requests[\s\S]*stopped after \d+ requests/);
    expect(String(result.stderr)).not.toContain(ready.token);
  });

  it('prints the export lines for a shell, takes the token from the environment, stops on SIGINT', async () => {
    const child = start([], { UPSTASH_REDIS_REST_TOKEN: 'from-env-token-123' });
    const text = await firstLine(child, 2);
    expect(text).toMatch(/^export UPSTASH_REDIS_REST_URL=http:\/\/127\.0\.0\.1:\d+\nexport UPSTASH_REDIS_REST_TOKEN=from-env-token-123\n$/);
    const url = /URL=(\S+)/.exec(text)?.[1] as string;
    const denied = await fetch(url, { method: 'POST', body: '["PING"]', headers: { authorization: 'Bearer nope' } });
    expect(denied.status).toBe(401);
    child.kill('SIGINT');
    const result = await child;
    expect(result.exitCode).toBe(0);
    expect(String(result.stderr)).not.toContain('from-env-token-123');
  });

  it('exits 2 with one JSON error when the port is taken', async () => {
    const blocker = createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    try {
      const run = await runCli(['serve-http', '--json', '--port', String(port), '--redis-url', inject('redisUrl')]);
      expect(run.exitCode).toBe(2);
      expect(run.json()).toMatchObject({ ok: false, error: { code: 'http.port-in-use' } });
    } finally {
      blocker.close();
    }
  });

  it('exits 1 with one line when Redis is unreachable, and 2 on a bad port', async () => {
    const dead = await runCli(['serve-http', '--port', '0', '--redis-url', `redis://127.0.0.1:${await freePort()}`, '--timeout', '2s']);
    expect(dead.exitCode).toBe(1);
    expect(dead.stderr).toMatch(/cannot reach Redis .* connection refused/);
    const bad = await runCli(['serve-http', '--port', 'eighty', '--json']);
    expect(bad.exitCode).toBe(2);
    expect(bad.json().error.code).toBe('option.port');
  });

  it('takes its limits as sizes, and exits 2 with one line on a bad or inconsistent one', async () => {
    const child = start([
      '--json',
      '--max-request-size',
      '512kb',
      '--max-pipeline-commands',
      '50',
      '--max-in-flight',
      '2MB',
      '--max-sse-backlog',
      '65536',
      '--allow-flush',
    ]);
    const ready = JSON.parse(await firstLine(child)).result as { limits: unknown; allowFlush: boolean };
    expect(ready).toMatchObject({
      limits: { maxRequestBytes: 512 * 1024, maxPipelineCommands: 50, maxInFlightBytes: 2 * 1024 * 1024, maxSseBacklogBytes: 65_536 },
      allowFlush: true,
    });
    child.kill('SIGTERM');
    const result = await child;
    expect(String(result.stderr)).toMatch(/--allow-flush: FLUSHALL and FLUSHDB are let through/);
    const unit = await runCli(['serve-http', '--json', '--max-request-size', '10 parsecs']);
    expect(unit.exitCode).toBe(2);
    expect(unit.json().error).toMatchObject({ code: 'option.max-request-size', message: 'invalid --max-request-size "10 parsecs"' });
    const tight = await runCli(['serve-http', '--json', '--max-in-flight', '16mb']);
    expect(tight.exitCode).toBe(2);
    expect(tight.json().error.code).toBe('option.max-in-flight');
  });
});
