/** `redis-migrate demo` out of the box: its own redis-server, the fleet, every step measured, all cleaned up. */
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { describe, expect, inject, it } from 'vitest';
import { runCli, type CliRun } from '../support/cli.js';
import { envelopeProblems } from '../support/envelope.js';

interface Step {
  id: string;
  topology: string;
  settled: boolean;
  measured: { app: number; bySystem: Record<string, number> };
  predicted: { total: number; step: string };
  processes: Record<string, { measured: { app: number }; predicted: number | null }>;
}

type DemoReport = { steps: Step[]; jobs: { lost: number; duplicates: number; main: { produced: number } }; claims: { verdict: string }[] };

/** The demo's document and what it measured; its envelope is checked here, as json-envelope.test.ts skips the slow demo. */
// biome-ignore lint/suspicious/noExplicitAny: the rest of a parsed --json document, read by path; a wrong path fails the assertion that reads it
function checkReport(run: CliRun): DemoReport & Record<string, any> {
  expect(envelopeProblems(run.json())).toEqual([]);
  expect(run.json()).toMatchObject({ ok: true, command: 'demo' });
  const report = run.result();
  const stderr = run.stderr;
  expect(report.jobs.lost).toBe(0);
  expect(report.jobs.duplicates).toBe(0);
  expect(report.jobs.main.produced).toBeGreaterThan(100);
  const single = report.steps.filter((step) => step.topology === 'single');
  expect(single.map((step) => step.id)).toEqual([
    'legacy',
    'phase1',
    'phase2:non-critical',
    'phase2:medium',
    'phase2:critical',
    'rollback',
    'reflip:non-critical',
    'reflip:medium',
    'reflip:critical',
    'phase3',
  ]);
  // Measured (classified by src/observe) and the plan's budget agree at every step, in both topologies, per process too.
  for (const step of report.steps) {
    expect([step.id, step.measured.app], `${step.topology}\n${stderr}`).toEqual([step.id, step.predicted.total]);
    for (const [name, process] of Object.entries(step.processes)) expect([step.id, name, process.measured.app]).toEqual([step.id, name, process.predicted]);
  }
  // The re-flip after the rollback takes one tier at a time, as the first walk did.
  expect(single.map((step) => step.measured.app)).toEqual([38, 35, 29, 19, 13, 35, 29, 19, 13, 12]);
  expect(single.map((step) => step.measured.bySystem.legacy)).toEqual([33, 33, 24, 9, 0, 33, 24, 9, 0, 0]);
  const final = report.steps.filter((step) => step.topology === 'split').at(-1) as Step;
  // After phase 3 (no flags SDK): the API process 1 connection, the merged-queue worker 2.
  expect([final.processes.api?.measured.app, final.processes.worker?.measured.app]).toEqual([1, 2]);
  // Phase 1 really moves the cache and limiters to the serve-http bridge; the default topology cannot reach 1-3, merged queues can.
  expect(report.claims.map((claim) => claim.verdict)).toEqual(['holds', 'holds', 'does not hold', 'holds', 'holds']);
  return report;
}

describe.concurrent('demo', () => {
  // The two full runs (about 30 s each) run side by side (describe.concurrent): they share nothing but the machine. How
  // long the demo takes is measured in BENCHMARKS.md, not asserted here; the timeout catches a hang.
  it('runs out of the box on a throwaway redis-server and leaves nothing running', { timeout: 150_000 }, async () => {
    const run = await runCli(['demo', '--json'], { timeoutMs: 140_000 });
    expect(run.exitCode, run.stderr).toBe(0);
    const report = checkReport(run);
    expect(report.redis).toMatch(/^a throwaway redis-server on port \d+$/);
    expect(report.cleanup.serverStopped).toBe(true);
    // Progress went to stderr, one line per step.
    expect(run.stderr.split('\n').filter((line) => /connections \(/.test(line))).toHaveLength(report.steps.length);
  });

  it('says in one line how to install redis-server when there is none and no REDIS_URL', async () => {
    const bin = mkdtempSync(join(tmpdir(), 'no-redis-'));
    try {
      symlinkSync(process.execPath, join(bin, 'node'));
      const run = await runCli(['demo', '--json'], { env: { PATH: bin } });
      expect(run.exitCode).toBe(1);
      expect(run.json().error).toMatchObject({ code: 'redis.server-missing', fix: expect.stringContaining('apt-get install -y redis-server') });
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });

  it('uses REDIS_URL when given and removes every key it wrote there', { timeout: 150_000 }, async () => {
    const url = inject('redisUrl');
    const redis = new Redis(url);
    try {
      const run = await runCli(['demo', '--json'], { env: { REDIS_URL: url }, timeoutMs: 140_000 });
      expect(run.exitCode, run.stderr).toBe(0);
      const report = checkReport(run);
      expect(report.cleanup.serverStopped).toBe(false);
      expect(report.cleanup.keysRemoved).toBeGreaterThan(0);
      expect(await redis.keys('demo-*')).toEqual([]);
      expect(await redis.keys('redis-migrate:{demo-*')).toEqual([]);
      expect(await redis.keys('fleet:{demo-*')).toEqual([]);
      const clients = (await redis.client('LIST')) as string;
      expect(clients).not.toMatch(/name=(fleet:|redis-migrate:sdk:fleet-|demo-)/);
    } finally {
      await redis.quit();
    }
  });
});
