import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Bull from 'bull';
import { Queue } from 'bullmq';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { defaultPlanDocument } from '../../src/plan/default-plan.js';
import { runCli, uniqueNamespace } from '../support/cli.js';
import { fastHttpChecks, restEndpoint } from '../support/http.js';
import { freePort, startRedis, type RedisServer } from '../support/redis-server.js';

type CheckDoc = { id: string; status: string; message: string; fix?: string };
const byId = (doc: { checks: CheckDoc[] }, id: string) => doc.checks.find((check) => check.id === id)!;

function planFile(extra: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'preflight-'));
  const path = join(dir, 'redis-migrate.config.json');
  writeFileSync(path, JSON.stringify({ ...defaultPlanDocument(), ...extra }));
  return path;
}

describe('preflight against purpose-started servers', () => {
  const servers: RedisServer[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop()));
  });

  it('maxmemory-policy allkeys-lru fails the eviction check, exit 3', async () => {
    const server = await startRedis({ args: ['--maxmemory-policy', 'allkeys-lru'] });
    servers.push(server);
    const run = await runCli(['preflight', '--phase', '2', '--json', '--redis-url', server.url, '--namespace', uniqueNamespace()]);
    expect(run.exitCode).toBe(3);
    expect(run.json().ok).toBe(false);
    const doc = run.result();
    expect(byId(doc, 'redis.eviction-policy')).toMatchObject({ status: 'fail' });
    expect(byId(doc, 'redis.eviction-policy').message).toContain('allkeys-lru');
    expect(byId(doc, 'redis.eviction-policy').fix).toContain('noeviction');
    expect(byId(doc, 'redis.reachable').status).toBe('pass');
  });

  it('a wrong password fails redis.auth with a fix; the rest skip; the password never prints', async () => {
    const server = await startRedis({ password: 's3cret-pass' });
    servers.push(server);
    const url = `redis://:wrong-password-xyz@127.0.0.1:${server.port}`;
    const run = await runCli(['preflight', '--json', '--redis-url', url]);
    expect(run.exitCode).toBe(3);
    const doc = run.result();
    expect(byId(doc, 'redis.auth')).toMatchObject({ status: 'fail' });
    expect(byId(doc, 'redis.auth').fix).toMatch(/password/);
    expect(byId(doc, 'redis.reachable').status).toBe('pass');
    expect(byId(doc, 'redis.version').status).toBe('skip');
    expect(run.stdout + run.stderr).not.toContain('wrong-password-xyz');
  });

  describe('on a plain server', () => {
    let server: RedisServer;
    beforeAll(async () => {
      server = await startRedis();
      servers.push(server);
    });

    it('plain preflight passes on a fresh, correct setup: the checks of a phase not configured are skipped with the reason', async () => {
      const args = ['preflight', '--json', '--redis-url', server.url, '--namespace', uniqueNamespace()];
      const plain = await runCli(args);
      expect(plain.exitCode, plain.stdout).toBe(0);
      const http = plain.result().checks.filter((check: CheckDoc) => check.id.startsWith('http.'));
      expect(http).toHaveLength(8);
      for (const check of http) {
        expect(check.status, check.id).toBe('skip');
        expect(check.message).toMatch(/phase 1 is not configured.*preflight --phase 1/);
      }
      // Asked for by name, phase 1 is checked: not configured is a failure then.
      const explicit = await runCli(['preflight', '--phase', '1', ...args.slice(1)]);
      expect(explicit.exitCode).toBe(3);
      expect(byId(explicit.result(), 'http.configured').status).toBe('fail');
      // Half configured (a URL, no token) is a mistake, not "not configured": it fails.
      const half = await runCli(args, { env: { UPSTASH_REDIS_REST_URL: 'https://example.invalid' } });
      expect(half.exitCode).toBe(3);
      expect(byId(half.result(), 'http.configured').status).toBe('fail');
      // Configured: plain preflight runs phase 1's checks too.
      const rest = await restEndpoint(server.url);
      const config = planFile({ http: fastHttpChecks() });
      const configured = await runCli([...args, '--config', config], { env: rest.env }).finally(() => rest.close());
      expect(configured.exitCode).toBe(0);
      expect(byId(configured.result(), 'http.auth').status).toBe('pass');
    });

    it('a plan with the same prefix for both libraries fails the collision check', async () => {
      const config = planFile({ bullmq: { prefix: 'bull' } });
      const run = await runCli(['preflight', '--phase', '2', '--json', '--config', config, '--redis-url', server.url, '--namespace', uniqueNamespace()]);
      expect(run.exitCode).toBe(3);
      expect(byId(run.result(), 'bullmq.prefix-collision')).toMatchObject({ status: 'fail' });
    });

    it('a Bull repeatable and a BullMQ scheduler for the same queue warn; --strict makes it exit 3', async () => {
      const legacy = new Bull('token-refresh', { redis: { port: server.port, host: '127.0.0.1' } });
      const connection = { host: '127.0.0.1', port: server.port };
      const modern = new Queue('token-refresh', { connection, prefix: 'bullmq' });
      try {
        await legacy.add({}, { repeat: { cron: '0 * * * *' } });
        await modern.upsertJobScheduler('hourly', { pattern: '0 * * * *' }, { name: 'refresh' });
        const args = ['preflight', '--phase', '2', '--json', '--redis-url', server.url, '--namespace', uniqueNamespace()];
        const run = await runCli(args);
        const check = byId(run.result(), 'legacy.repeatables');
        expect(check.status).toBe('warn');
        expect(check.message).toContain('token-refresh');
        expect(check.message).toMatch(/twice/);
        expect(run.exitCode).toBe(0);
        const strict = await runCli([...args, '--strict']);
        expect(strict.exitCode).toBe(3);
      } finally {
        await legacy.obliterate({ force: true }).catch(() => undefined);
        await modern.obliterate({ force: true }).catch(() => undefined);
        await legacy.close();
        await modern.close();
      }
    });

    it('writes JUnit XML (creating its directory) that parses and carries the failures, warnings under --strict, skips', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'junit-'));
      // A fresh CI checkout has no reports/ directory yet.
      const file = join(dir, 'reports', 'ci', 'preflight.xml');
      const config = planFile({ bullmq: { prefix: 'bull' } });
      const run = await runCli([
        'preflight',
        '--phase',
        '2',
        '--strict',
        '--junit',
        file,
        '--config',
        config,
        '--redis-url',
        server.url,
        '--namespace',
        uniqueNamespace(),
      ]);
      expect(run.exitCode).toBe(3);
      expect(run.stdout).toContain('bullmq.prefix-collision');
      const xml = readFileSync(file, 'utf8');
      expect(XMLValidator.validate(xml)).toBe(true);
      const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xml);
      const suite = parsed.testsuites.testsuite;
      const cases = suite.testcase as { name: string; failure?: { type: string }; skipped?: unknown }[];
      expect(cases.map((c) => c.name)).toContain('redis.reachable');
      expect(Number(suite.tests)).toBe(cases.length);
      const failed = cases.filter((c) => c.failure).map((c) => c.name);
      expect(failed).toContain('bullmq.prefix-collision');
      // Persistence is off on the test server: a warning, which --strict turns into a failure.
      expect(failed).toContain('redis.persistence');
      expect(Number(suite.failures)).toBe(failed.length);
      expect(cases.find((c) => c.name === 'bullmq.cluster-hashtag')?.skipped).toBeDefined();
    });

    it('exit 0 when nothing fails (warnings allowed without --strict)', async () => {
      // Phase 1 includes the HTTP checks: give them a working REST endpoint over the same server.
      const rest = await restEndpoint(server.url);
      const config = planFile({ http: fastHttpChecks() });
      const run = await runCli(['preflight', '--phase', '1', '--json', '--redis-url', server.url, '--namespace', uniqueNamespace(), '--config', config], {
        env: rest.env,
      }).finally(() => rest.close());
      expect(run.exitCode).toBe(0);
      expect(run.result().summary.fail).toBe(0);
      expect(byId(run.result(), 'http.auth').status).toBe('pass');
    });
  });

  it('an unreachable Redis: redis.reachable fails within --timeout, dependent checks skip, one report, exit 3', async () => {
    const port = await freePort();
    const run = await runCli(['preflight', '--phase', '2', '--json', '--timeout', '2s', '--redis-url', `redis://127.0.0.1:${port}`]);
    expect(run.exitCode).toBe(3);
    const doc = run.result();
    expect(byId(doc, 'redis.reachable')).toMatchObject({ status: 'fail' });
    expect(byId(doc, 'redis.eviction-policy').status).toBe('skip');
    expect(byId(doc, 'legacy.backlog').status).toBe('skip');
    expect(run.durationMs).toBeLessThan(15_000);
  });

  it('the shared server answers the catalogue for every phase (smoke)', async () => {
    const run = await runCli(['preflight', '--json', '--redis-url', inject('redisUrl'), '--namespace', uniqueNamespace()]);
    const ids = run.result().checks.map((check: CheckDoc) => check.id);
    expect(ids).toEqual([
      'redis.reachable',
      'redis.auth',
      'redis.tls',
      'redis.version',
      'redis.eviction-policy',
      'redis.persistence',
      'redis.maxclients-headroom',
      'bullmq.prefix-collision',
      'bullmq.cluster-hashtag',
      'legacy.backlog',
      'legacy.repeatables',
      'flags.drift',
      'gate.soak',
      'code.legacy-usage',
      'http.configured',
      'http.reachable',
      'http.auth',
      'http.latency',
      'http.roundtrip',
      'http.deserialization',
      'http.ratelimit',
      'http.command-budget',
    ]);
  });
});
