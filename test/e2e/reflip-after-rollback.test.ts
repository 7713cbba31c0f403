/** No change puts a tier on BullMQ unless that tier's own checks and gate ran; every tier that moves is named. */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Redis } from 'ioredis';
import { applyFlagChange } from '../../src/state/flag-store.js';
import { stateKeys } from '../../src/state/keys.js';
import { runCli, uniqueNamespace } from '../support/cli.js';

let admin: Redis;
beforeAll(() => {
  admin = new Redis(inject('redisUrl'), { protocol: 2 });
});
afterAll(async () => {
  await admin.quit();
});

function cli(namespace: string, args: string[]) {
  return runCli([...args, '--json', '--namespace', namespace], { env: { REDIS_URL: inject('redisUrl') } });
}

const moved = (report: { moved: { tier: string; to: string }[] }) => report.moved.map(({ tier, to }) => `${tier}→${to}`);

describe.concurrent('a re-flip after a rollback', () => {
  it('turns on only the tier it names: rollback returned every tier to legacy, and says so', async () => {
    const ns = uniqueNamespace();
    expect((await cli(ns, ['phase2', '--tier', 'non-critical', '--yes'])).exitCode).toBe(0);
    const critical = await cli(ns, ['phase2', '--tier', 'critical', '--yes', '--force', '--reason', 'test']);
    expect(moved(critical.result())).toEqual(['critical→bullmq']);

    const rollback = await cli(ns, ['rollback', '--yes']);
    expect(rollback.exitCode).toBe(0);
    expect(rollback.result()).toMatchObject({
      changed: true,
      after: { useBullmq: 'false', 'tier:non-critical': 'legacy', 'tier:critical': 'legacy' },
      flags: { USE_BULLMQ: false, BULLMQ_TIERS: [] },
    });
    expect(moved(rollback.result())).toEqual(['non-critical→legacy', 'critical→legacy']);

    const reflip = await cli(ns, ['phase2', '--tier', 'non-critical', '--yes']);
    expect(reflip.exitCode).toBe(0);
    expect(reflip.result()).toMatchObject({ changed: true, flags: { USE_BULLMQ: true, BULLMQ_TIERS: ['non-critical'] } });
    expect(moved(reflip.result())).toEqual(['non-critical→bullmq']);
    expect(reflip.result().tiers.find((tier: { name: string }) => tier.name === 'critical')).toMatchObject({ state: 'legacy', effective: 'legacy' });

    // The audit names every tier that moved, for each change.
    const audit = (await cli(ns, ['audit'])).result();
    expect(
      audit.entries.map((entry: { details: { moved?: { tier: string; to: string }[] } }) => (entry.details.moved ?? []).map(({ tier, to }) => `${tier}→${to}`)),
    ).toEqual([['non-critical→bullmq'], ['critical→bullmq'], ['non-critical→legacy', 'critical→legacy'], ['non-critical→bullmq']]);
    const human = await runCli(['audit', '--namespace', ns], { env: { REDIS_URL: inject('redisUrl') } });
    expect(human.stdout).toContain('(moved: non-critical, critical → legacy)');
  });

  it('names every tier that moves in the confirmation prompt and the human report', async () => {
    const ns = uniqueNamespace();
    await cli(ns, ['phase2', '--tier', 'non-critical', '--yes']);
    await cli(ns, ['phase2', '--tier', 'medium', '--yes', '--force', '--reason', 'test']);
    // Without a terminal and --yes the refusal quotes the question it would have asked.
    const unconfirmed = await cli(ns, ['rollback']);
    expect(unconfirmed.exitCode).toBe(2);
    expect(unconfirmed.json().error.message).toContain('Queues that move: non-critical, medium → legacy');
    const human = await runCli(['rollback', '--yes', '--namespace', ns], { env: { REDIS_URL: inject('redisUrl') } });
    expect(human.stdout).toContain('Moved: non-critical, medium → legacy');
  });

  it('refuses a change that would put a tier on BullMQ without its own gate, even with --force', async () => {
    const ns = uniqueNamespace();
    const keys = stateKeys(ns);
    await cli(ns, ['phase2', '--tier', 'non-critical', '--yes']);
    await cli(ns, ['phase2', '--tier', 'critical', '--yes', '--force', '--reason', 'test']);
    // The state an older rollback left: master switch off, tier states kept (audited, so not drift).
    await applyFlagChange(admin, keys, { changes: { useBullmq: 'false' }, actor: 'old@ops', command: 'rollback', kind: 'rollback' });

    for (const extra of [[], ['--force', '--reason', 'hotfix']]) {
      const refused = await cli(ns, ['phase2', '--tier', 'non-critical', '--yes', ...extra]);
      expect(refused.exitCode).toBe(3);
      expect(refused.error()).toMatchObject({ code: 'change.blocked', details: { blocked: { ungatedTiers: ['critical'], gate: null, checks: [] } } });
      expect(refused.error().fix).toContain('redis-migrate rollback');
      // --force passes gates and checks, never this: the fix does not offer it.
      expect(refused.error().fix).not.toContain('--force');
    }
    expect(await admin.hget(keys.state, 'useBullmq')).toBe('false');

    // The fix it names: rollback returns the latent tiers to legacy (no queue moves), then the re-flip works.
    const rollback = await cli(ns, ['rollback', '--yes']);
    expect(rollback.result()).toMatchObject({ changed: true, after: { 'tier:non-critical': 'legacy', 'tier:critical': 'legacy' }, moved: [] });
    const reflip = await cli(ns, ['phase2', '--tier', 'non-critical', '--yes']);
    expect(reflip.exitCode).toBe(0);
    expect(reflip.result().flags.BULLMQ_TIERS).toEqual(['non-critical']);
  });
});
