/** `scan`, `init --from-code` and `preflight --phase 3`'s code.legacy-usage, as users and CI run them. */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, inject, it } from 'vitest';
import { defaultPlanDocument } from '../../src/plan/default-plan.js';
import { runCli, uniqueNamespace } from '../support/cli.js';
import { tempDir, writePlan } from '../support/plan-files.js';

const JS = fileURLToPath(new URL('../fixtures/scan/js/', import.meta.url));
const NEST = fileURLToPath(new URL('../fixtures/scan/nest/', import.meta.url));

describe('scan', () => {
  it('--json: one document with the findings, exit 3; --sarif writes SARIF 2.1.0 next to it', async () => {
    const dir = tempDir('scan');
    const run = await runCli(['scan', JS, '--json', '--sarif', join(dir, 'out.sarif')], { cwd: dir });
    expect(run.exitCode).toBe(3);
    const report = run.result();
    expect(report.summary.files).toBe(8);
    expect(report.findings.length).toBe(report.summary.findings);
    expect(report.findings[0]).toEqual(
      expect.objectContaining({
        file: expect.any(String),
        line: expect.any(Number),
        column: expect.any(Number),
        endLine: expect.any(Number),
        rule: expect.any(String),
        severity: expect.any(String),
        api: expect.any(String),
        replacement: expect.any(String),
      }),
    );
    expect(report.findings.find((finding: { rule: string }) => finding.rule === 'bull-process')).toEqual(
      expect.objectContaining({ file: 'worker.js', queue: 'email-delivery', adapter: expect.stringContaining('process(handler') }),
    );
    expect(report.unparsed).toEqual([]);
    const sarif = JSON.parse(readFileSync(join(dir, 'out.sarif'), 'utf8'));
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0].results).toHaveLength(report.findings.length);
    expect(run.stderr).toMatch(/scanned 8 files/);
  });

  it('human output groups by file and by rule; exit 0 on code without Bull or ioredis', async () => {
    const run = await runCli(['scan', NEST, '--only', 'nestjs']);
    expect(run.exitCode).toBe(3);
    expect(run.stdout).toMatch(/^audio\.processor\.ts \(\d+\)$/m);
    expect(run.stdout).toMatch(/By rule[\s\S]*nestjs-process\s+docs\/scan\.md#nestjs-process/);
    const clean = tempDir('scan-clean');
    writeFileSync(join(clean, 'index.ts'), "const queue = new Set<string>();\nqueue.add('x');\n");
    const ok = await runCli(['scan', '--json'], { cwd: clean });
    expect(ok.exitCode).toBe(0);
    expect(ok.json()).toMatchObject({ ok: true, result: { findings: [] } });
  });

  it('bad input: a missing path or an unknown --only library is one line and exit 2', async () => {
    const missing = await runCli(['scan', 'no/such/dir']);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toMatch(/^error no such file or directory: .*no\/such\/dir\nfix: /);
    const only = await runCli(['scan', JS, '--only', 'bullmq', '--json']);
    expect(only.exitCode).toBe(2);
    expect(only.json().error.code).toBe('option.only');
  });

  it('init --from-code writes a plan with the queues found, unknown ones in the most careful tier, and code.paths', async () => {
    const dir = tempDir('init-code');
    const run = await runCli(['init', '--yes', '--json', '--from-code', NEST, '--output', join(dir, 'plan.json')]);
    expect(run.exitCode).toBe(0);
    const plan = JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8'));
    expect(plan.tiers).toEqual([expect.objectContaining({ name: 'critical', queues: ['audio', 'video'] })]);
    expect(plan.code.paths).toEqual([relative(dir, NEST)]);
    expect(run.stderr).toMatch(/went to the most careful tier "critical": audio, video/);
    // The plan it wrote compares cleanly with the same code.
    const scan = await runCli(['scan', '--json', '--only', 'queues', '--config', join(dir, 'plan.json')], { cwd: dir });
    expect(scan.result().queues.found.every((queue: { tier: string | null }) => queue.tier === 'critical')).toBe(true);
  });
});

describe('preflight --phase 3: code.legacy-usage', () => {
  it('fails while the app imports Bull for a plan queue, passes once it is gone; skipped without code.paths', async () => {
    const redisUrl = inject('redisUrl');
    const namespace = uniqueNamespace('code');
    const dir = tempDir('legacy-code');
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src', 'sync.js'), "const Queue = require('bull');\nconst queue = new Queue('calendar-sync');\nqueue.process(async () => {});\n");
    writeFileSync(join(dir, 'src', 'main.ts'), "import { Queue } from 'bullmq';\nexport const queue = new Queue('calendar-sync', { prefix: 'bullmq' });\n");
    writePlan({ ...defaultPlanDocument(), namespace, code: { paths: ['src'] } }, { dir });
    const check = async () => {
      const run = await runCli(['preflight', '--phase', '3', '--json', '--redis-url', redisUrl], { cwd: dir });
      return { run, result: run.result().checks.find((entry: { id: string }) => entry.id === 'code.legacy-usage') };
    };

    const before = await check();
    expect(before.run.exitCode).toBe(3);
    expect(before.result).toEqual(
      expect.objectContaining({ status: 'fail', message: expect.stringContaining('Bull is still imported by 1 file (sync.js) for calendar-sync') }),
    );

    rmSync(join(dir, 'src', 'sync.js'));
    const after = await check();
    expect(after.result).toEqual(
      expect.objectContaining({ status: 'pass', message: expect.stringContaining("no Bull code for the plan's queues in 1 files") }),
    );

    writePlan({ ...defaultPlanDocument(), namespace }, { dir });
    const skipped = await check();
    expect(skipped.result).toEqual(expect.objectContaining({ status: 'skip', message: expect.stringContaining('names no code.paths') }));
  });
});
