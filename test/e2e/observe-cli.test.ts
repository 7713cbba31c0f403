import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { connectFlags } from '../../src/flags/index.js';
import { defaultPlanDocument } from '../../src/plan/default-plan.js';
import { BIN, runCli, uniqueNamespace } from '../support/cli.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';
import { waitFor } from '../support/wait.js';

describe('observe commands as a process', () => {
  const servers: RedisServer[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop()));
  });

  it('plan --json carries the connection budget and says the target is not reachable', async () => {
    const run = await runCli(['plan', '--json', '--redis-url', inject('redisUrl'), '--namespace', uniqueNamespace()]);
    expect(run.exitCode).toBe(0);
    const { budget } = run.result();
    expect(budget.steps.map((step: { id: string }) => step.id)).toEqual([
      'legacy',
      'phase1',
      'phase2:non-critical',
      'phase2:medium',
      'phase2:critical',
      'final',
    ]);
    expect(budget).toMatchObject({ target: 3, final: 12, reachable: false, current: 'legacy' });
    const human = await runCli(['plan', '--redis-url', inject('redisUrl'), '--namespace', uniqueNamespace()]);
    expect(human.stdout).toContain('Connection budget');
    expect(human.stdout).toMatch(/Target 3: not reachable with this topology \(final 12\)/);
    expect(human.stdout).toContain('1-3 connections');
  });

  it('connections --watch redraws until Ctrl-C and exits 0', async () => {
    const child = execa('node', [BIN, 'connections', '--watch', '--interval', '300ms', '--redis-url', inject('redisUrl')], {
      reject: false,
      env: { NO_COLOR: '1', REDIS_URL: '' },
      stdin: 'ignore',
      timeout: 30_000,
    });
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    await waitFor(() => out.split('Connections on').length - 1 >= 2, { timeoutMs: 15_000, what: 'two redrawn frames' });
    child.kill('SIGINT');
    const result = await child;
    expect(result.exitCode).toBe(0);
    expect(out).toContain('By role');
  });

  it('monitor ends cleanly on Ctrl-C with its summary', async () => {
    const child = execa(
      'node',
      [BIN, 'monitor', '--interval', '500ms', '--ndjson', '--redis-url', inject('redisUrl'), '--namespace', uniqueNamespace('ctrlc')],
      {
        reject: false,
        env: { NO_COLOR: '1', REDIS_URL: '' },
        stdin: 'ignore',
        timeout: 30_000,
      },
    );
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    // The first sample line means the Ctrl-C handler is in place.
    await waitFor(() => out.split('"type":"sample"').length - 1 >= 2, { timeoutMs: 15_000, what: 'two sample lines' });
    child.kill('SIGINT');
    const result = await child;
    expect(result.exitCode).toBe(0);
    const lines = String(result.stdout).trim().split('\n');
    // Sample lines, then the --json document on one line: the same envelope.
    expect(lines.slice(0, -1).every((line) => JSON.parse(line).type === 'sample')).toBe(true);
    const last = JSON.parse(lines[lines.length - 1]!);
    expect(last).toMatchObject({ ok: true, command: 'monitor', schemaVersion: 1, result: { stopped: 'interrupted' } });
    expect(last.result.samples).toBeGreaterThanOrEqual(2);
  });

  it('--watch with --json is a usage error', async () => {
    const run = await runCli(['connections', '--watch', '--json', '--redis-url', inject('redisUrl')]);
    expect(run.exitCode).toBe(2);
  });

  it('a Redis restart without persistence is drift: status exits 4, flags.drift fails, the sink and the app remember', async () => {
    const server = await startRedis();
    servers.push(server);
    const namespace = uniqueNamespace('wipe');
    const dir = mkdtempSync(join(tmpdir(), 'drift-'));
    const config = join(dir, 'redis-migrate.config.json');
    writeFileSync(config, JSON.stringify({ ...defaultPlanDocument(), namespace, sinks: { dotenv: { path: join(dir, '.env') }, hooks: [] } }));
    const common = ['--config', config, '--redis-url', server.url];
    const flags = await connectFlags({ app: 'api', redisUrl: server.url, namespace, heartbeatMs: 300 });
    try {
      expect((await runCli(['phase2', '--tier', 'non-critical', '--yes', ...common])).exitCode).toBe(0);
      expect(readFileSync(join(dir, '.env'), 'utf8')).toContain('USE_BULLMQ=true');
      const before = await runCli(['status', '--json', ...common]);
      expect(before.exitCode).toBe(0);
      expect(before.result().drift).toMatchObject({ ok: true });

      // Restart without persistence: same port, empty dataset.
      await server.stop();
      const restarted = await startRedis({ port: server.port });
      servers.push(restarted);
      // The SDK reconnects and re-registers, remembering the version it applied.
      const probe = restarted.client();
      await waitFor(async () => (await probe.hlen(`redis-migrate:{${namespace}}:instances`)) === 1, { timeoutMs: 20_000, what: 'the SDK to re-register' });

      const status = await runCli(['status', '--json', ...common]);
      expect(status.exitCode).toBe(4);
      expect(status.json().ok).toBe(false);
      const doc = status.result();
      expect(doc.drift.wiped).toBe(true);
      expect([...new Set(doc.drift.findings.map((f: { source: string }) => f.source))].sort()).toEqual(['dotenv', 'instances']);
      expect(doc.drift.fix).toMatch(/persistence/);
      const human = await runCli(['status', ...common]);
      expect(human.exitCode).toBe(4);
      expect(human.stdout).toContain('Drift: the migration state was wiped');
      const preflight = await runCli(['preflight', '--phase', '1', '--json', ...common]);
      expect(preflight.result().checks.find((c: { id: string }) => c.id === 'flags.drift')).toMatchObject({ status: 'fail' });
    } finally {
      await flags.close();
    }
  });
});
