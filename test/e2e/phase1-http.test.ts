/** `phase1` runs the HTTP checks before it flips USE_HTTP_REDIS: pass → flip, fail → exit 3. */
import { Redis } from 'ioredis';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Bridge } from '../../src/http/index.js';
import { runCli, uniqueNamespace } from '../support/cli.js';
import { startTestBridge, TEST_TOKEN } from '../support/http.js';

let bridge: Bridge;
let tcp: Redis;

beforeAll(async () => {
  bridge = await startTestBridge(inject('redisUrl'));
  tcp = new Redis(inject('redisUrl'));
});

afterAll(async () => {
  await bridge?.close();
  tcp?.disconnect();
});

function planFile(namespace: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'phase1-http-'));
  const path = join(dir, 'redis-migrate.config.json');
  writeFileSync(
    path,
    JSON.stringify({
      namespace,
      tiers: [{ name: 'only', queues: ['q1'], soak: '1h' }],
      http: {
        cacheKeyPatterns: [`${namespace}:cache:*`],
        rateLimiters: [{ name: 'sms', algorithm: 'fixedWindow', limit: 3, window: '1m', prefix: `${namespace}:rl`, timeout: '0s' }],
        budgetWindow: '500ms',
        latencyWarnMs: 2000,
      },
    }),
  );
  return path;
}

function phase1(namespace: string, args: string[], token = TEST_TOKEN) {
  return runCli(['phase1', '--json', '--config', planFile(namespace), '--redis-url', inject('redisUrl'), '--wait', '0', ...args], {
    env: { UPSTASH_REDIS_REST_URL: bridge.url, UPSTASH_REDIS_REST_TOKEN: token, UPSTASH_DISABLE_TELEMETRY: '1' },
    timeoutMs: 60_000,
  });
}

async function httpFlag(namespace: string): Promise<boolean> {
  const status = await runCli(['status', '--json', '--config', planFile(namespace), '--redis-url', inject('redisUrl')]);
  return status.result().flags.USE_HTTP_REDIS as boolean;
}

describe('phase1 with the HTTP checks', () => {
  it('flips USE_HTTP_REDIS when every check passes, with the results in the report; again changes nothing', async () => {
    const namespace = uniqueNamespace('p1ok');
    await tcp.set(`${namespace}:cache:a`, 'plain');
    const first = await phase1(namespace, ['--yes']);
    expect(first.exitCode).toBe(0);
    expect(first.json().ok).toBe(true);
    const report = first.result();
    expect(report).toMatchObject({ blocked: null, changed: true, flags: { USE_HTTP_REDIS: true } });
    // Phase 1's checks from the registry: the Redis connection and server, drift, then the HTTP endpoint.
    expect(report.checks.map((check: { id: string }) => check.id)).toEqual([
      'redis.reachable',
      'redis.auth',
      'redis.tls',
      'redis.version',
      'redis.persistence',
      'flags.drift',
      'http.configured',
      'http.reachable',
      'http.auth',
      'http.latency',
      'http.roundtrip',
      'http.deserialization',
      'http.ratelimit',
      'http.command-budget',
    ]);
    // The test server runs without persistence: a warning, which never blocks.
    expect(report.checks.filter((check: { status: string }) => check.status !== 'pass').map((check: { id: string }) => check.id)).toEqual([
      'redis.persistence',
    ]);
    const again = await phase1(namespace, ['--yes']);
    expect(again.exitCode).toBe(0);
    expect(again.result()).toMatchObject({ changed: false });
  });

  it('is refused with exit 3 and changes nothing when a check fails; the token never prints', async () => {
    const namespace = uniqueNamespace('p1bad');
    const run = await phase1(namespace, ['--yes'], 'wrong-token-abcdef');
    expect(run.exitCode).toBe(3);
    const error = run.error();
    expect(error).toMatchObject({ code: 'change.blocked', details: { blocked: { gate: null, ungatedTiers: [] } } });
    expect(error.details.blocked.checks).toEqual([expect.objectContaining({ id: 'http.auth', status: 'fail' })]);
    expect(await httpFlag(namespace)).toBe(false);
    expect(run.stdout + run.stderr).not.toContain('wrong-token-abcdef');
  });

  it('shows the blocking checks in human output too', async () => {
    const namespace = uniqueNamespace('p1human');
    const run = await runCli(['phase1', '--yes', '--config', planFile(namespace), '--redis-url', inject('redisUrl')], {
      env: { UPSTASH_REDIS_REST_URL: bridge.url, UPSTASH_REDIS_REST_TOKEN: 'wrong-token-abcdef' },
      timeoutMs: 60_000,
    });
    expect(run.exitCode).toBe(3);
    expect(run.stdout).toMatch(/fail\s+http\.auth/);
    expect(run.stdout).toMatch(/phase1: refused, nothing was changed:\n\s+- 1 failing preflight check\(s\): http\.auth/);
  });

  it('passes failing checks only with --force --reason, recorded as forced in the audit', async () => {
    const namespace = uniqueNamespace('p1force');
    const noReason = await phase1(namespace, ['--yes', '--force'], 'wrong-token-abcdef');
    expect(noReason.exitCode).toBe(2);
    const dryRun = await phase1(namespace, ['--dry-run'], 'wrong-token-abcdef');
    expect(dryRun.exitCode).toBe(3);
    const forced = await phase1(namespace, ['--yes', '--force', '--reason', 'INC-7: Upstash token rotates tonight'], 'wrong-token-abcdef');
    expect(forced.exitCode).toBe(0);
    expect(forced.result()).toMatchObject({ changed: true, blocked: null, gate: { forced: true, message: 'failing preflight checks: http.auth' } });
    expect(await httpFlag(namespace)).toBe(true);
    const audit = await runCli(['audit', '--json', '--config', planFile(namespace), '--redis-url', inject('redisUrl')]);
    expect(audit.result().entries[0]).toMatchObject({ kind: 'forced', reason: 'INC-7: Upstash token rotates tonight' });
  });
});
