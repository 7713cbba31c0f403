import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Redis } from 'ioredis';
import { runCli, uniqueNamespace } from '../support/cli.js';
import { writePlan } from '../support/plan-files.js';
import { backdateHistory } from '../support/history.js';
import { stateKeys } from '../../src/state/keys.js';
import { defaultPlanDocument } from '../../src/plan/default-plan.js';
import { fastHttpChecks, restEndpoint } from '../support/http.js';

const HOUR = 3_600_000;
let admin: Redis;
beforeAll(() => {
  admin = new Redis(inject('redisUrl'), { protocol: 2 });
});
afterAll(async () => {
  await admin.quit();
});

function cli(namespace: string, args: string[], config?: string) {
  return runCli([...args, '--json', '--namespace', namespace, ...(config ? ['--config', config] : [])], { env: { REDIS_URL: inject('redisUrl') } });
}

describe('phase2 and status through the CLI', () => {
  it('flips a tier, reports it in status, and a second run changes nothing', async () => {
    const ns = uniqueNamespace();
    const flip = await cli(ns, ['phase2', '--tier', 'non-critical', '--yes']);
    expect(flip.exitCode).toBe(0);
    const report = flip.json();
    expect(report).toMatchObject({ ok: true, changed: true, version: 1, after: { useBullmq: 'true', 'tier:non-critical': 'bullmq' } });
    expect(report.flags).toMatchObject({ USE_BULLMQ: true, USE_HTTP_REDIS: false, BULLMQ_TIERS: ['non-critical'] });

    const status = (await cli(ns, ['status'])).json();
    expect(status.ok).toBe(true);
    expect(status.flags).toMatchObject({ USE_BULLMQ: true, USE_HTTP_REDIS: false, BULLMQ_TIERS: ['non-critical'] });
    expect(status.version).toBe(1);
    const tier = status.tiers.find((t: { name: string }) => t.name === 'non-critical');
    expect(tier).toMatchObject({ state: 'bullmq', effective: 'bullmq' });
    expect(typeof tier.since).toBe('number');
    expect(status.tiers.find((t: { name: string }) => t.name === 'medium')).toMatchObject({ state: 'legacy', since: null });

    const again = await cli(ns, ['phase2', '--tier', 'non-critical', '--yes']);
    expect(again.exitCode).toBe(0);
    expect(again.json()).toMatchObject({ ok: true, changed: false, version: 1 });
    expect(await admin.xlen(stateKeys(ns).audit)).toBe(1);
  });

  it('an unknown tier exits 2 and lists the valid ones', async () => {
    const run = await cli(uniqueNamespace(), ['phase2', '--tier', 'critcal', '--yes']);
    expect(run.exitCode).toBe(2);
    expect(run.json()).toMatchObject({ ok: false, error: { code: 'tier.unknown' } });
    expect(run.json().error.message).toContain('valid tiers: non-critical, medium, critical');
  });

  it('a closed gate exits 3 with how long is left, and opens once the soak window has passed', async () => {
    const ns = uniqueNamespace();
    expect((await cli(ns, ['phase2', '--tier', 'non-critical', '--yes'])).exitCode).toBe(0);
    const closed = await cli(ns, ['phase2', '--tier', 'medium', '--yes']);
    expect(closed.exitCode).toBe(3);
    const error = closed.json().error;
    expect(error.code).toBe('gate.closed');
    expect(error.message).toMatch(/tier "non-critical" has soaked \S+ of 24h; \S+ left/);
    expect(error.details.remainingMs).toBeGreaterThan(23 * HOUR);
    expect(error.details.remainingMs).toBeLessThanOrEqual(24 * HOUR);
    // Skipping a tier is gated too: critical needs medium.
    expect((await cli(ns, ['phase2', '--tier', 'critical', '--yes'])).exitCode).toBe(3);

    // The default plan's 24h soak, passed: the recorded history moves a day back (test-only).
    await backdateHistory(admin, stateKeys(ns), '24h');
    const open = await cli(ns, ['phase2', '--tier', 'medium', '--yes']);
    expect(open.exitCode).toBe(0);
    expect(open.json()).toMatchObject({ changed: true, gate: { open: true, previous: 'non-critical' } });
    // Medium has only just started its own soak.
    expect((await cli(ns, ['phase2', '--tier', 'critical', '--yes'])).json().error.message).toMatch(/tier "medium" has soaked \S+ of 24h/);
  });

  it('--force needs --reason; with one it passes the gate and the audit records why', async () => {
    const ns = uniqueNamespace();
    await cli(ns, ['phase2', '--tier', 'non-critical', '--yes']);
    const noReason = await cli(ns, ['phase2', '--tier', 'medium', '--force', '--yes']);
    expect(noReason.exitCode).toBe(2);
    expect(noReason.json().error.code).toBe('force.reason');

    const forced = await cli(ns, ['phase2', '--tier', 'medium', '--force', '--reason', 'INC-42 hotfix', '--yes']);
    expect(forced.exitCode).toBe(0);
    expect(forced.json()).toMatchObject({ changed: true, gate: { open: false, forced: true } });
    const audit = (await cli(ns, ['audit'])).json();
    const last = audit.entries.at(-1);
    expect(last).toMatchObject({ kind: 'forced', reason: 'INC-42 hotfix', command: 'phase2 --tier medium --force', version: 2 });
    expect(last.details.gate.message).toContain('non-critical');
  });

  it('--dry-run prints what would change and changes nothing', async () => {
    const ns = uniqueNamespace();
    const dry = await cli(ns, ['phase2', '--tier', 'non-critical', '--dry-run']);
    expect(dry.exitCode).toBe(0);
    expect(dry.json()).toMatchObject({ dryRun: true, changed: false, version: 0, after: { useBullmq: 'true', 'tier:non-critical': 'bullmq' } });
    expect(await admin.exists(stateKeys(ns).state, stateKeys(ns).audit, stateKeys(ns).lock)).toBe(0);
    const human = await runCli(['phase2', '--tier', 'non-critical', '--dry-run', '--namespace', ns], { env: { REDIS_URL: inject('redisUrl') } });
    expect(human.stdout).toContain('(dry run): nothing was changed');
    expect(human.stdout).toMatch(/USE_BULLMQ\s+false\s+true/);
  });

  it('without a terminal a state change needs --yes (exit 2) and nothing changes', async () => {
    const ns = uniqueNamespace();
    const run = await cli(ns, ['phase2', '--tier', 'non-critical']);
    expect(run.exitCode).toBe(2);
    expect(run.json().error).toMatchObject({ code: 'confirm.required', fix: expect.stringContaining('--yes') });
    expect(await admin.exists(stateKeys(ns).state)).toBe(0);
  });

  it('phase1 flips USE_HTTP_REDIS and records a connection baseline', async () => {
    const ns = uniqueNamespace();
    // phase1 runs the HTTP checks first: give it a working REST endpoint over the same Redis.
    const rest = await restEndpoint(inject('redisUrl'));
    const config = writePlan({ ...defaultPlanDocument(), http: fastHttpChecks() });
    const run = await runCli(['phase1', '--yes', '--json', '--namespace', ns, '--config', config], { env: { REDIS_URL: inject('redisUrl'), ...rest.env } }).finally(() => rest.close());
    expect(run.exitCode).toBe(0);
    expect(run.json()).toMatchObject({ changed: true, flags: { USE_HTTP_REDIS: true, USE_BULLMQ: false } });
    const status = (await cli(ns, ['status'])).json();
    expect(status.baselines.map((b: { step: string }) => b.step)).toEqual(['phase1']);
    expect(typeof status.baselines[0].connections).toBe('number');
  });
});

describe('phase2 runs the tier preflight checks first', () => {
  it('a failing check (eviction policy) blocks the flip with exit 3; --force --reason passes it, audited', async () => {
    const { startRedis } = await import('../support/redis-server.js');
    const server = await startRedis({ args: ['--maxmemory-policy', 'allkeys-lru'] });
    try {
      const ns = uniqueNamespace();
      const run = (args: string[]) => runCli([...args, '--json', '--namespace', ns, '--redis-url', server.url]);
      const blocked = await run(['phase2', '--tier', 'non-critical', '--yes']);
      expect(blocked.exitCode).toBe(3);
      const report = blocked.json();
      expect(report).toMatchObject({ ok: false, blocked: true, changed: false });
      expect(report.checks.find((c: { id: string }) => c.id === 'redis.eviction-policy')).toMatchObject({ status: 'fail' });
      expect(report.checks.some((c: { id: string }) => c.id === 'gate.soak')).toBe(false);
      expect(await server.client().exists(stateKeys(ns).state)).toBe(0);

      const forced = await run(['phase2', '--tier', 'non-critical', '--yes', '--force', '--reason', 'cache-only Redis, accepted']);
      expect(forced.exitCode).toBe(0);
      expect(forced.json()).toMatchObject({ changed: true, blocked: false, gate: { forced: true, message: expect.stringContaining('redis.eviction-policy') } });
      const audit = (await run(['audit'])).json();
      expect(audit.entries.at(-1)).toMatchObject({ kind: 'forced', reason: 'cache-only Redis, accepted' });
    } finally {
      await server.stop();
    }
  });
});
