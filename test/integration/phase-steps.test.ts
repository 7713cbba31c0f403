/**
 * phases/ is true: the steps each phase lists (those no other command runs) are the steps its
 * use-case runs, in that order, as they report them on a real Redis. A flip's fields are the
 * phase's own (the use-cases call `flip`), and its checks come from the registry (checkIdsOf).
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { phase1 } from '../../phases/phase1.js';
import { phase2 } from '../../phases/phase2.js';
import { phase3 } from '../../phases/phase3.js';
import { CommandContext } from '../../src/cli/context.js';
import { defaultPlanDocument } from '../../src/plan/default-plan.js';
import { readState } from '../../src/state/flag-store.js';
import { flipPhase1 } from '../../src/usecases/phase1.js';
import { flipTier } from '../../src/usecases/phase2.js';
import { cleanLegacyKeys } from '../../src/usecases/phase3-cleanup.js';
import { uniqueNamespace } from '../support/cli.js';
import { tempDir, writePlan } from '../support/plan-files.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';

/** The steps the phase's own command runs, in the order phases/ lists them. */
const ownSteps = (phase: { steps: readonly { id: string }[]; runElsewhere: Readonly<Record<string, string>> }) =>
  phase.steps.map((step) => step.id).filter((id) => !(id in phase.runElsewhere));

const discard = () => new Writable({ write: (_chunk, _encoding, done) => done() });

describe('phases/ lists the steps the phases run', () => {
  let server: RedisServer;
  let ctx: CommandContext;
  let dir: string;

  beforeAll(async () => {
    server = await startRedis();
    dir = tempDir('phase-steps');
    // Soak windows of 1 ms: phase 3 may clean the tier phase 2 flipped at once, without waiting.
    const document = defaultPlanDocument() as Record<string, unknown> & { tiers: { soak: string; watch?: string }[] };
    const tiers = document.tiers.map(({ watch: _watch, ...tier }) => ({ ...tier, soak: '1ms' }));
    const plan = writePlan({ ...document, tiers, sinks: { dotenv: { path: join(dir, '.env') }, hooks: [] } }, { dir });
    ctx = new CommandContext(
      { redisUrl: server.url, config: plan, namespace: uniqueNamespace('steps'), yes: true },
      { stdout: discard(), stderr: discard(), env: {}, interactive: false, cwd: dir },
      'phase-steps',
    );
  });

  afterAll(async () => {
    await ctx?.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('phase 1: checks, gate, confirm, lock, baseline, flip, confirmations, sinks', async () => {
    const loaded = await ctx.plan();
    const seen: string[] = [];
    // No HTTP endpoint here: its checks fail, and --force --reason passes them, as an operator would.
    const report = await flipPhase1(ctx, loaded, { waitMs: 0, force: true, reason: 'phase-steps test', onStep: (step) => seen.push(step) });
    expect(report.changed).toBe(true);
    expect(seen).toEqual(ownSteps(phase1));
    expect(report.after).toEqual(phase1.flip(loaded.plan));
    expect(report.checks.map((check) => check.id)).toEqual(phase1.checks);
    expect(readFileSync(join(dir, '.env'), 'utf8')).toContain(`${loaded.plan.flags.useHttpRedis}=true`);
  });

  it('phase 2: checks, gate, confirm, lock, baseline, flip, confirmations, sinks', async () => {
    const loaded = await ctx.plan();
    const tier = loaded.plan.tiers[0]?.name as string;
    const seen: string[] = [];
    const report = await flipTier(ctx, loaded, { tier, waitMs: 0, force: true, reason: 'phase-steps test', onStep: (step) => seen.push(step) });
    expect(report.changed).toBe(true);
    expect(seen).toEqual(ownSteps(phase2));
    expect(report.after).toEqual(phase2.flip(loaded.plan, tier));
    // gate.soak is evaluated by the gate itself, under the lock; the others ran as checks.
    expect(report.checks.map((check) => check.id)).toEqual(phase2.checks.filter((id) => id !== 'gate.soak'));
    expect(readFileSync(join(dir, '.env'), 'utf8')).toContain(`${loaded.plan.flags.bullmqTiers}=${tier}`);
  });

  it('phase 3 cleanup: a dry run, then the delete, run the listed steps in order, and flip nothing', async () => {
    const loaded = await ctx.plan();
    const client = await ctx.connect('test', loaded);
    const before = (await readState(client, ctx.keys(loaded))).state.version;
    const dryRun: string[] = [];
    const dry = await cleanLegacyKeys(ctx, loaded, { mode: 'dry-run', batch: 100, onStep: (step) => dryRun.push(step) });
    expect(dry.targets).toEqual(loaded.plan.tiers[0]?.queues);
    const deleting: string[] = [];
    const deleted = await cleanLegacyKeys(ctx, loaded, {
      mode: 'delete',
      batch: 100,
      backup: join(dir, 'backup.ndjson'),
      onStep: (step) => deleting.push(step),
    });
    expect(deleted.run).not.toBeNull();
    expect(dryRun).toEqual(['eligible', 'blockers', 'dry-run']);
    expect([...new Set([...dryRun, ...deleting])]).toEqual(ownSteps(phase3));
    expect(phase3.flip(loaded.plan)).toEqual({});
    expect((await readState(client, ctx.keys(loaded))).state.version).toBe(before);
  });
});
