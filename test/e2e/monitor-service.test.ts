/**
 * `monitor --metrics-port` as a service process: /metrics and /healthz while it runs, metrics kept
 * (with redis_migrate_up 0) while Redis is away and fresh again once it is back, a clean stop on
 * SIGTERM with its summary; prom-client is loaded by this command only.
 */
import { execa } from 'execa';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { BIN, uniqueNamespace } from '../support/cli.js';
import { freePort, startRedis, type RedisServer } from '../support/redis-server.js';
import { waitFor } from '../support/wait.js';

const hook = fileURLToPath(new URL('../support/hooks/register.mjs', import.meta.url));

async function metric(url: string, name: string): Promise<number | null> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((entry) => entry.startsWith(`${name} `));
  return line === undefined ? null : Number(line.split(' ')[1]);
}

describe('monitor as a service', () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedis();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('serves /metrics and /healthz, rides out Redis being away, stops on SIGTERM', { timeout: 60_000 }, async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const child = execa(
      'node',
      [
        '--import',
        hook,
        BIN,
        'monitor',
        '--interval',
        '300ms',
        '--metrics-port',
        String(port),
        '--json',
        '--redis-url',
        server.url,
        '--namespace',
        uniqueNamespace('svc'),
      ],
      {
        reject: false,
        env: { NO_COLOR: '1', REDIS_URL: '' },
        stdin: 'ignore',
        timeout: 60_000,
      },
    );
    try {
      await waitFor(async () => (await metric(url, 'redis_migrate_up')) === 1, { timeoutMs: 20_000, what: 'first sample' });
      const healthy = await fetch(`${url}/healthz`);
      expect(healthy.status).toBe(200);
      expect(await healthy.json()).toMatchObject({ status: 'ok', redis: 'up' });
      expect((await fetch(`${url}/nope`)).status).toBe(404);

      await server.stop();
      await waitFor(async () => (await metric(url, 'redis_migrate_up')) === 0, { timeoutMs: 20_000, what: 'up 0 while Redis is away' });
      // Still serving, with the last values kept and the failures counted; still healthy for an orchestrator.
      expect(await metric(url, 'redis_migrate_state_version')).toBe(0);
      expect(await metric(url, 'redis_migrate_sample_failures_total')).toBeGreaterThan(0);
      const away = await fetch(`${url}/healthz`);
      expect(away.status).toBe(200);
      expect(await away.json()).toMatchObject({ status: 'ok', redis: 'down' });

      server = await startRedis({ port: server.port });
      await waitFor(async () => (await metric(url, 'redis_migrate_up')) === 1, { timeoutMs: 20_000, what: 'up 1 once Redis is back' });
    } finally {
      child.kill('SIGTERM');
    }
    const result = await child;
    expect(result.exitCode, String(result.stderr)).toBe(0);
    const document = JSON.parse(String(result.stdout));
    expect(document).toMatchObject({ ok: true, command: 'monitor', result: { stopped: 'interrupted', metrics: { url: `${url}/metrics` } } });
    const summary = document.result;
    expect(summary.failedSamples).toBeGreaterThan(0);
    expect(String(result.stderr)).toMatch(/sample failed[\s\S]*Redis answers again/);
    expect(String(result.stderr)).toContain('queue-lib-loaded prom-client');
    await expect(fetch(`${url}/metrics`)).rejects.toThrow();
  });

  it('does not load prom-client without a metrics port, nor does any other command', async () => {
    const run = async (args: string[]) =>
      String(
        (
          await execa('node', ['--import', hook, BIN, ...args, '--json', '--redis-url', inject('redisUrl'), '--namespace', uniqueNamespace('lazy')], {
            reject: false,
            env: { NO_COLOR: '1' },
          })
        ).stderr,
      );
    expect(await run(['monitor', '--duration', '300ms', '--interval', '100ms'])).not.toContain('prom-client');
    expect(await run(['plan', '--prometheus-rules'])).not.toContain('prom-client');
    expect(await run(['status'])).not.toContain('prom-client');
  });

  it('a port in use is a usage error', async () => {
    const port = await freePort();
    const { createServer } = await import('node:net');
    const blocker = createServer().listen(port, '127.0.0.1');
    try {
      const run = await execa('node', [BIN, 'monitor', '--duration', '1s', '--metrics-port', String(port), '--json', '--redis-url', inject('redisUrl')], {
        reject: false,
        env: { NO_COLOR: '1' },
      });
      expect(run.exitCode).toBe(2);
      expect(JSON.parse(String(run.stdout)).error.code).toBe('metrics.port-in-use');
    } finally {
      blocker.close();
    }
  });
});
