import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultPlanDocument } from '../../src/plan/default-plan.js';
import { stateKeys } from '../../src/state/keys.js';
import { runCli, uniqueNamespace } from '../support/cli.js';
import { startBullmq } from '../support/queues.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';

/** Short soak windows so gates can open within a test. */
function planFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'monitor-plan-'));
  const path = join(dir, 'redis-migrate.config.json');
  const document = defaultPlanDocument();
  const tiers = (document.tiers as { name: string; queues: string[]; soak: string; watch?: string }[]).map(({ name, queues }) => ({
    name,
    queues,
    soak: '1s',
  }));
  writeFileSync(path, JSON.stringify({ ...document, tiers }));
  return path;
}

describe('monitor against a worker that fails every job', () => {
  let server: RedisServer;
  let inspect: Redis;
  const config = planFile();
  beforeAll(async () => {
    server = await startRedis();
    inspect = server.client();
  });
  afterAll(async () => {
    await server?.stop();
  });

  async function failingFleet() {
    const fleet = startBullmq(server.port, ['webhook-health-check'], {
      processor: async () => {
        throw new Error('deliberate failure');
      },
    });
    const queue = fleet.queues[0]!;
    const producer = setInterval(() => void queue.addBulk(Array.from({ length: 5 }, () => ({ name: 'check', data: {} }))).catch(() => undefined), 300);
    return {
      async close() {
        clearInterval(producer);
        await fleet.close();
      },
    };
  }

  it('records the breach (closing the next gate) and, with --auto-rollback, rolls back and exits 3; samples land in the stream', async () => {
    const namespace = uniqueNamespace('monitor');
    const common = ['--config', config, '--redis-url', server.url, '--namespace', namespace];
    expect((await runCli(['phase2', '--tier', 'non-critical', '--yes', '--wait', '0', ...common])).exitCode).toBe(0);
    const keys = stateKeys(namespace);
    const fleet = await failingFleet();
    try {
      // Without --auto-rollback: the breach is printed, audited and recorded against the tier's soak.
      const watch = await runCli(['monitor', '--duration', '3s', '--interval', '500ms', '--json', ...common], { timeoutMs: 60_000 });
      expect(watch.exitCode).toBe(3);
      expect(watch.json().ok).toBe(false);
      const summary = watch.result();
      expect(summary).toMatchObject({ stopped: 'duration', rollback: null });
      expect(summary.breaches[0]).toMatchObject({ threshold: 'maxFailureRate', queue: 'webhook-health-check', tiers: ['non-critical'] });
      expect(summary.samples).toBeGreaterThanOrEqual(3);

      // gate.soak and phase2 read the breach: the next tier's gate is closed although the 1s soak has passed.
      const gate = await runCli(['phase2', '--tier', 'medium', '--yes', '--json', ...common]);
      expect(gate.exitCode).toBe(3);
      expect(gate.error()).toMatchObject({ code: 'change.blocked', details: { blocked: { gate: { reason: 'previous-breached' } } } });
      expect(gate.error().message).toMatch(/breach/);
      const preflight = await runCli(['preflight', '--tier', 'medium', '--json', ...common]);
      expect(preflight.result().checks.find((c: { id: string }) => c.id === 'gate.soak')).toMatchObject({ status: 'fail' });
      // --force --reason still passes a gate the breach closed, and says so in the audit.
      const forced = await runCli([
        'phase2',
        '--tier',
        'medium',
        '--yes',
        '--json',
        '--wait',
        '0',
        '--force',
        '--reason',
        'test: breach understood',
        ...common,
      ]);
      expect(forced.exitCode).toBe(0);
      expect(forced.result().gate).toMatchObject({ open: false, forced: true, reason: 'previous-breached' });

      const auto = await runCli(['monitor', '--duration', '30s', '--interval', '500ms', '--auto-rollback', '--yes', '--json', ...common], {
        timeoutMs: 60_000,
      });
      expect(auto.exitCode).toBe(3);
      const rolled = auto.result();
      expect(rolled.stopped).toBe('breach');
      expect(rolled.rollback).toMatchObject({ changed: true, flags: { USE_BULLMQ: false } });
      expect(rolled.elapsedMs).toBeLessThan(30_000);
    } finally {
      await fleet.close();
    }

    const status = (await runCli(['status', '--json', ...common])).result();
    expect(status.flags.USE_BULLMQ).toBe(false);
    const audit = (await runCli(['audit', '--json', '--limit', '50', ...common])).result();
    expect(audit.entries.map((e: { kind: string }) => e.kind)).toEqual(expect.arrayContaining(['breach', 'rollback']));
    expect(audit.entries.find((e: { kind: string }) => e.kind === 'rollback').command).toContain('monitor --auto-rollback');
    const samples = await inspect.xrange(keys.samples, '-', '+');
    expect(samples.length).toBeGreaterThanOrEqual(4);
    const sample = JSON.parse(samples[samples.length - 1]![1][1]!);
    expect(sample.connections.byRole['bullmq-worker']).toBeGreaterThanOrEqual(0);
    expect(sample.queues['webhook-health-check']).toBeDefined();
  });

  it('a healthy soak: no breach, healthy time recorded, --ndjson streams samples then the envelope', async () => {
    const namespace = uniqueNamespace('healthy');
    const common = ['--config', config, '--redis-url', server.url, '--namespace', namespace];
    expect((await runCli(['phase2', '--tier', 'non-critical', '--yes', '--wait', '0', ...common])).exitCode).toBe(0);
    const run = await runCli(['monitor', '--duration', '2s', '--interval', '500ms', '--ndjson', ...common], { timeoutMs: 60_000 });
    expect(run.exitCode).toBe(0);
    const lines = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.filter((line) => line.type === 'sample').length).toBeGreaterThanOrEqual(3);
    expect(lines.slice(0, -1).every((line) => line.type === 'sample')).toBe(true);
    expect(lines[lines.length - 1]).toMatchObject({ ok: true, command: 'monitor', schemaVersion: 1, result: { breaches: [] } });
    const summary = lines[lines.length - 1].result;
    expect(summary.commands.projectedMonthlyCost).toBeGreaterThanOrEqual(0);
    expect(summary.commands.per100kCommands).toBe(0.2);
    const soak = await inspect.hgetall(stateKeys(namespace).soak);
    expect(Number(soak['non-critical:healthyMs'])).toBeGreaterThan(1000);
    const gate = await runCli(['preflight', '--tier', 'medium', '--json', ...common]);
    expect(gate.result().checks.find((c: { id: string }) => c.id === 'gate.soak')).toMatchObject({ status: 'pass' });
  });

  it('--auto-rollback without --yes is a usage error', async () => {
    const run = await runCli(['monitor', '--auto-rollback', '--json', '--redis-url', server.url]);
    expect(run.exitCode).toBe(2);
    expect(run.json().error.code).toBe('confirm.required');
  });
});
