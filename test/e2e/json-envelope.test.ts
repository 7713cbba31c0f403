/**
 * The machine-readable contract: every command of the command table, run once with --json, prints
 * exactly one document on stdout that the published schema (schemas/envelope.schema.json) accepts,
 * naming the command as typed, with `ok` true exactly when the exit code is 0. The commands come
 * from the program itself, so a command added without a case here fails this test.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import type { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildProgram, commandPath } from '../../src/cli/program.js';
import { BIN, runCli, uniqueNamespace } from '../support/cli.js';
import { envelopeProblems } from '../support/envelope.js';
import { planDocument, tempDir, writePlan } from '../support/plan-files.js';
import { defaultPlanDocument } from '../../src/plan/default-plan.js';

interface Case {
  args: string[];
  /** The exit code this invocation gives (cheap ones: a refusal, a usage error, a failing answer are fine). */
  exit: number;
  /** An error document is expected, with this code. */
  error?: string;
}

/** Leaf commands of the program, as typed: "plan", "phase3 cleanup", "runbook run". */
function commandPaths(): string[] {
  const discard = { write: () => true } as unknown as NodeJS.WritableStream;
  const program = buildProgram({ stdout: discard, stderr: discard, env: {}, interactive: false, cwd: process.cwd() }, { exitCode: 0, command: null });
  const leaves = (command: Command): Command[] => (command.commands.length ? command.commands.flatMap(leaves) : [command]);
  return leaves(program).map(commandPath);
}

/** The document on stdout (execa strips its final newline): exactly one JSON value, valid against the schema. */
function checkDocument(stdout: string, command: string, exitCode: number) {
  let document: { ok: boolean; command: string; error?: { code: string } };
  try {
    document = JSON.parse(stdout);
  } catch {
    throw new Error(`${command}: stdout is not exactly one JSON document:\n${stdout.slice(0, 1000)}`);
  }
  expect(envelopeProblems(document), `${command}: ${stdout.slice(0, 600)}`).toEqual([]);
  expect(document.command).toBe(command);
  expect(document.ok, `${command}: ok mirrors exit code ${exitCode}`).toBe(exitCode === 0);
  return document;
}

describe('every command prints one envelope under --json', () => {
  const dir = tempDir('envelope');
  const ns = uniqueNamespace('envelope');
  const env = () => ({ REDIS_URL: inject('redisUrl'), REDIS_MIGRATE_NAMESPACE: ns });

  beforeAll(() => {
    // The plan every case reads (from the working directory): queue names of its own, so other
    // tests' jobs on the shared Redis cannot change an exit code here.
    const suffix = ns.slice(-8);
    const tiers = (defaultPlanDocument() as { tiers: { queues: string[] }[] }).tiers.map((tier) => ({
      ...tier,
      queues: tier.queues.map((queue) => `${queue}-${suffix}`),
    }));
    writePlan(planDocument({ tiers }), { dir });
    mkdirSync(join(dir, 'books'));
    writeFileSync(join(dir, 'books', 'hello.md'), '# Hello\n\n```step id=one kind=shell\necho hello\n```\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const cases: Record<string, Case | { coveredBy: string }> = {
    init: { args: ['init', '--yes', '--output', join(dir, 'plan.json')], exit: 0 },
    plan: { args: ['plan'], exit: 0 },
    status: { args: ['status'], exit: 0 },
    // No HTTP endpoint: phase 1's checks fail, a refusal.
    phase1: { args: ['phase1', '--dry-run'], exit: 3, error: 'change.blocked' },
    phase2: { args: ['phase2', '--tier', 'non-critical', '--dry-run'], exit: 0 },
    rollback: { args: ['rollback', '--dry-run', '--yes'], exit: 0 },
    // No HTTP endpoint: phase 1's checks fail, a result with ok false.
    preflight: { args: ['preflight', '--phase', '1'], exit: 3 },
    connections: { args: ['connections'], exit: 0 },
    monitor: { args: ['monitor', '--duration', '1s', '--interval', '500ms'], exit: 0 },
    verify: { args: ['verify', '--tier', 'non-critical'], exit: 0 },
    loadtest: { args: ['loadtest', '--jobs', '5', '--tier', 'non-critical'], exit: 0 },
    // 30-40 s: its JSON is checked against the schema in demo.test.ts, which runs it anyway.
    demo: { coveredBy: 'test/e2e/demo.test.ts' },
    audit: { args: ['audit'], exit: 0 },
    'phase3 cleanup': { args: ['phase3', 'cleanup', '--dry-run'], exit: 0 },
    'phase3 verify': { args: ['phase3', 'verify', '--window', '1s'], exit: 3 },
    'phase3 restore': { args: ['phase3', 'restore', join(dir, 'missing.ndjson')], exit: 2, error: 'backup.read' },
    report: { args: ['report', '--html', join(dir, 'report.html'), '--no-checks'], exit: 0 },
    'runbook list': { args: ['runbook', 'list'], exit: 0 },
    'runbook show': { args: ['runbook', 'show', 'rollback'], exit: 0 },
    'runbook run': { args: ['runbook', 'run', 'hello', '--dir', join(dir, 'books'), '--yes'], exit: 0 },
    scan: { args: ['scan', fileURLToPath(new URL('../fixtures/scan/js', import.meta.url))], exit: 3 },
    // Long-running: it prints its document when ready, then runs until SIGTERM (below).
    'serve-http': { coveredBy: 'the serve-http test below' },
  };

  it('has a case for every command of the program', () => {
    expect(Object.keys(cases).sort()).toEqual(commandPaths().sort());
  });

  it('each command: one document, valid, naming itself, ok exactly on exit 0', { timeout: 90_000 }, async () => {
    const runs = Object.entries(cases).flatMap(([command, entry]) => ('args' in entry ? [{ command, ...entry }] : []));
    // A few at a time: each is a node process, and the machine is shared.
    const queue = [...runs];
    const results: { command: string; exitCode: number; stdout: string; stderr: string; expected: Case }[] = [];
    await Promise.all(
      [0, 1, 2].map(async () => {
        for (let next = queue.shift(); next; next = queue.shift()) {
          const run = await runCli([...next.args, '--json'], { env: env(), cwd: dir, timeoutMs: 60_000 });
          results.push({ command: next.command, exitCode: run.exitCode, stdout: run.stdout, stderr: run.stderr, expected: next });
        }
      }),
    );
    for (const { command, exitCode, stdout, stderr, expected } of results) {
      expect(exitCode, `${command}: ${stderr.slice(-600)}`).toBe(expected.exit);
      const document = checkDocument(stdout, command, exitCode);
      expect(document.error?.code, command).toBe(expected.error);
    }
  });

  it('serve-http: its one document when ready, nothing more on stdout after SIGTERM', async () => {
    const child = execa('node', [BIN, 'serve-http', '--port', '0', '--json'], {
      reject: false,
      env: { NO_COLOR: '1', ...env() },
      stdin: 'ignore',
      timeout: 30_000,
    });
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) child.kill('SIGTERM');
    });
    const result = await child;
    expect(result.exitCode).toBe(0);
    checkDocument(String(result.stdout), 'serve-http', 0);
  });

  it("errors before a command is known, and monitor --ndjson's last line, are envelopes too", async () => {
    const unknown = await runCli(['rolback', '--json']);
    expect(unknown.exitCode).toBe(2);
    expect(envelopeProblems(unknown.json())).toEqual([]);
    expect(unknown.json()).toMatchObject({ command: null, error: { code: 'usage.unknownCommand' } });

    const stream = await runCli(['monitor', '--duration', '1s', '--interval', '500ms', '--ndjson'], { env: env(), cwd: dir, timeoutMs: 30_000 });
    expect(stream.exitCode).toBe(0);
    const lines = stream.stdout.trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(JSON.parse(lines[0]!)).toMatchObject({ type: 'sample' });
    checkDocument(lines.at(-1)!, 'monitor', 0);
    // An error under --ndjson ends the stream as a document as well (one line, for line readers).
    const bad = await runCli(['monitor', '--interval', 'soon', '--ndjson']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stdout.trim().split('\n')).toHaveLength(1);
    expect(envelopeProblems(JSON.parse(bad.stdout))).toEqual([]);
  });
});
