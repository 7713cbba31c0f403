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

describe.concurrent('phase2 and status through the CLI', () => {
  it('flips a tier, reports it in status, and a second run changes nothing', async () => {
    const ns = uniqueNamespace();
    const flip = await cli(ns, ['phase2', '--tier', 'non-critical', '--yes']);
    expect(flip.exitCode).toBe(0);
    expect(flip.json()).toMatchObject({ ok: true, command: 'phase2', schemaVersion: 1 });
    const report = flip.result();
    expect(report).toMatchObject({ changed: true, version: 1, blocked: null, after: { useBullmq: 'true', 'tier:non-critical': 'bullmq' } });
    expect(report.flags).toMatchObject({ USE_BULLMQ: true, USE_HTTP_REDIS: false, BULLMQ_TIERS: ['non-critical'] });

    const statusRun = await cli(ns, ['status']);
    expect(statusRun.json().ok).toBe(true);
    const status = statusRun.result();
    expect(status.flags).toMatchObject({ USE_BULLMQ: true, USE_HTTP_REDIS: false, BULLMQ_TIERS: ['non-critical'] });
    expect(status.version).toBe(1);
    const tier = status.tiers.find((t: { name: string }) => t.name === 'non-critical');
    expect(tier).toMatchObject({ state: 'bullmq', effective: 'bullmq' });
    expect(typeof tier.since).toBe('number');
    expect(status.tiers.find((t: { name: string }) => t.name === 'medium')).toMatchObject({ state: 'legacy', since: null });

    const again = await cli(ns, ['phase2', '--tier', 'non-critical', '--yes']);
    expect(again.exitCode).toBe(0);
    expect(again.json()).toMatchObject({ ok: true, result: { changed: false, version: 1 } });
    expect(await admin.xlen(stateKeys(ns).audit)).toBe(1);
  });

  it('an unknown tier exits 2 and lists the valid ones', async () => {
    const run = await cli(uniqueNamespace(), ['phase2', '--tier', 'critcal', '--yes']);
    expect(run.exitCode).toBe(2);
    expect(run.json()).toMatchObject({ ok: false, error: { code: 'tier.unknown' } });
    expect(run.json().error.message).toContain('valid tiers: non-critical, medium, critical');
  });

  it('a closed gate is refused with exit 3 and how long is left, and opens once the soak window has passed', async () => {
    const ns = uniqueNamespace();
    expect((await cli(ns, ['phase2', '--tier', 'non-critical', '--yes'])).exitCode).toBe(0);
    const closed = await cli(ns, ['phase2', '--tier', 'medium', '--yes']);
    expect(closed.exitCode).toBe(3);
    const error = closed.error();
    expect(error.code).toBe('change.blocked');
    expect(error.message).toMatch(/tier "non-critical" has soaked \S+ of 24h; \S+ left/);
    expect(error.details.blocked).toMatchObject({ gate: { open: false, previous: 'non-critical' }, checks: [], ungatedTiers: [] });
    expect(error.details.blocked.gate.remainingMs).toBeGreaterThan(23 * HOUR);
    expect(error.details.blocked.gate.remainingMs).toBeLessThanOrEqual(24 * HOUR);
    expect(error.details.moved).toEqual([expect.objectContaining({ tier: 'medium', to: 'bullmq' })]);
    // Skipping a tier is gated too: critical needs medium.
    expect((await cli(ns, ['phase2', '--tier', 'critical', '--yes'])).exitCode).toBe(3);

    // The default plan's 24h soak, passed: the recorded history moves a day back (test-only).
    await backdateHistory(admin, stateKeys(ns), '24h');
    const open = await cli(ns, ['phase2', '--tier', 'medium', '--yes']);
    expect(open.exitCode).toBe(0);
    expect(open.result()).toMatchObject({ changed: true, gate: { open: true, previous: 'non-critical' } });
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
    expect(forced.result()).toMatchObject({ changed: true, gate: { open: false, forced: true } });
    const audit = (await cli(ns, ['audit'])).result();
    const last = audit.entries.at(-1);
    expect(last).toMatchObject({ kind: 'forced', reason: 'INC-42 hotfix', command: 'phase2 --tier medium --force', version: 2 });
    expect(last.details.gate.message).toContain('non-critical');
  });

  it('--dry-run prints what would change and changes nothing', async () => {
    const ns = uniqueNamespace();
    const dry = await cli(ns, ['phase2', '--tier', 'non-critical', '--dry-run']);
    expect(dry.exitCode).toBe(0);
    expect(dry.result()).toMatchObject({ dryRun: true, changed: false, version: 0, after: { useBullmq: 'true', 'tier:non-critical': 'bullmq' } });
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
    const run = await runCli(['phase1', '--yes', '--json', '--namespace', ns, '--config', config], {
      env: { REDIS_URL: inject('redisUrl'), ...rest.env },
    }).finally(() => rest.close());
    expect(run.exitCode).toBe(0);
    expect(run.result()).toMatchObject({ changed: true, flags: { USE_HTTP_REDIS: true, USE_BULLMQ: false } });
    const status = (await cli(ns, ['status'])).result();
    expect(status.baselines.map((b: { step: string }) => b.step)).toEqual(['phase1']);
    expect(typeof status.baselines[0].connections).toBe('number');
  });
});

describe.concurrent('phase2 runs the tier preflight checks first', () => {
  it('a failing check (eviction policy) blocks the flip with exit 3; --force --reason passes it, audited; a closed gate and the check: one refusal naming both', async () => {
    const { startRedis } = await import('../support/redis-server.js');
    const server = await startRedis({ args: ['--maxmemory-policy', 'allkeys-lru'] });
    try {
      const ns = uniqueNamespace();
      const run = (args: string[]) => runCli([...args, '--json', '--namespace', ns, '--redis-url', server.url]);
      const blocked = await run(['phase2', '--tier', 'non-critical', '--yes']);
      expect(blocked.exitCode).toBe(3);
      const error = blocked.error();
      expect(error.code).toBe('change.blocked');
      expect(error.details.blocked).toMatchObject({
        gate: null,
        checks: [expect.objectContaining({ id: 'redis.eviction-policy', status: 'fail' })],
        ungatedTiers: [],
      });
      // Every check that ran, for the record; gate.soak is the change's own gate, not a check here.
      expect(error.details.checks.some((c: { id: string }) => c.id === 'redis.reachable')).toBe(true);
      expect(error.details.checks.some((c: { id: string }) => c.id === 'gate.soak')).toBe(false);
      expect(await server.client().exists(stateKeys(ns).state)).toBe(0);

      const forced = await run(['phase2', '--tier', 'non-critical', '--yes', '--force', '--reason', 'cache-only Redis, accepted']);
      expect(forced.exitCode).toBe(0);
      expect(forced.result()).toMatchObject({
        changed: true,
        blocked: null,
        gate: { forced: true, message: expect.stringContaining('redis.eviction-policy') },
      });
      const audit = (await run(['audit'])).result();
      expect(audit.entries.at(-1)).toMatchObject({ kind: 'forced', reason: 'cache-only Redis, accepted' });

      // The next tier, while non-critical soaks and the check still fails: one refusal naming both causes.
      const both = await run(['phase2', '--tier', 'medium', '--yes']);
      expect(both.exitCode).toBe(3);
      const refused = both.error();
      expect(refused.code).toBe('change.blocked');
      expect(refused.details.blocked.gate).toMatchObject({ open: false, previous: 'non-critical' });
      expect(refused.details.blocked.checks.map((c: { id: string }) => c.id)).toEqual(['redis.eviction-policy']);
      expect(refused.message).toMatch(/gate closed: .*; 1 failing preflight check\(s\): redis\.eviction-policy/);
      // People see both causes too, with the check's own fix.
      const human = await runCli(['phase2', '--tier', 'medium', '--namespace', ns, '--redis-url', server.url]);
      expect(human.exitCode).toBe(3);
      expect(human.stdout).toMatch(/refused, nothing was changed:\n\s+- gate closed: tier "non-critical" has soaked/);
      expect(human.stdout).toMatch(/- 1 failing preflight check\(s\): redis\.eviction-policy/);
      expect(human.stdout).toContain('noeviction');
      expect(await server.client().hget(stateKeys(ns).state, 'tier:medium')).toBeNull();
    } finally {
      await server.stop();
    }
  });
});
