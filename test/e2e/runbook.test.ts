import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { Redis } from 'ioredis';
import { BIN, runCli, uniqueNamespace } from '../support/cli.js';
import { freePort } from '../support/redis-server.js';
import { tempDir } from '../support/plan-files.js';
import { runInTty } from '../support/tty.js';
import { descendants } from '../support/processes.js';
import { waitFor } from '../support/wait.js';
import { stateKeys } from '../../src/state/keys.js';

let admin: Redis;
beforeAll(() => {
  admin = new Redis(inject('redisUrl'), { protocol: 2 });
});
afterAll(async () => {
  await admin.quit();
});

const FLIP_BOOK = `# Flip with a precondition

\`\`\`step id=count kind=shell
echo run >> counter.txt
\`\`\`

\`\`\`step id=precondition kind=shell title="The release is out"
test -f release.flag || { echo "release.flag is missing: deploy first" >&2; exit 7; }
\`\`\`

\`\`\`step id=flip kind=redis-migrate
phase2 --tier non-critical --yes --wait 0
\`\`\`

\`\`\`step id=after kind=note
Done.
\`\`\`
`;

function setup(markdown: string, name = 'book'): string {
  const dir = tempDir('runbook');
  writeFileSync(join(dir, `${name}.md`), markdown);
  return dir;
}

function run(dir: string, args: string[], env: Record<string, string> = {}) {
  return runCli(['runbook', 'run', ...args, '--dir', dir, '--json'], {
    cwd: dir,
    env: { REDIS_URL: inject('redisUrl'), REDIS_MIGRATE_ACTOR: 'ops-tester', ...env },
    timeoutMs: 60_000,
  });
}

describe('runbook run', () => {
  it('stops at a failing step with its output and exit code, and resumes there after the fix', async () => {
    const ns = uniqueNamespace('rb');
    const dir = setup(FLIP_BOOK);
    try {
      const first = await run(dir, ['book', '--yes', '--namespace', ns]);
      expect(first.exitCode).toBe(3);
      const report = first.result();
      expect(report.failed).toMatchObject({ step: 'precondition', exitCode: 7 });
      expect(report.failed.excerpt).toContain('release.flag is missing');
      expect(report.steps.map((step: { status: string }) => step.status)).toEqual(['done', 'failed', 'pending', 'pending']);
      expect(first.stderr).toContain('release.flag is missing'); // streamed live too
      expect(await admin.hget(stateKeys(ns).state, 'version')).toBeNull(); // the flip never ran

      writeFileSync(join(dir, 'release.flag'), '');
      const second = await run(dir, ['book', '--yes', '--namespace', ns]);
      expect(second.exitCode).toBe(0);
      expect(second.json()).toMatchObject({ ok: true, result: { resumed: true, completed: true, startedAt: 'precondition', run: report.run } });
      expect(readFileSync(join(dir, 'counter.txt'), 'utf8')).toBe('run\n'); // step 1 did not run again
      // The redis-migrate step ran with the same binary, in the namespace given to the runner.
      expect(await admin.hget(stateKeys(ns).state, 'tier:non-critical')).toBe('bullmq');

      const logs = readdirSync(join(dir, '.redis-migrate', 'runs'));
      expect(logs).toEqual([`book-${report.run}.json`]);
      const log = JSON.parse(readFileSync(join(dir, '.redis-migrate', 'runs', logs[0] as string), 'utf8'));
      expect(log.status).toBe('completed');
      expect(log.steps.map((step: { id: string; status: string }) => `${step.id}:${step.status}`)).toEqual([
        'count:done',
        'precondition:failed',
        'precondition:done',
        'flip:done',
        'after:done',
      ]);
      expect(log.steps[3]).toMatchObject({
        actor: 'ops-tester',
        exitCode: 0,
        confirmation: '--yes',
        command: 'redis-migrate phase2 --tier non-critical --yes --wait 0',
      });

      const audit = (await runCli(['audit', '--limit', '50', '--json', '--namespace', ns], { env: { REDIS_URL: inject('redisUrl') } })).result();
      const steps = audit.entries.filter((entry: { kind: string }) => entry.kind === 'runbook');
      expect(steps.map((entry: { details: { summary: string } }) => entry.details.summary)).toEqual([
        'count: done',
        'precondition: failed (exit 7)',
        'precondition: done',
        'flip: done',
        'after: done',
        'runbook completed',
      ]);
      expect(steps[1]).toMatchObject({ actor: 'ops-tester', details: { exitCode: 7, status: 'failed' } });
      expect(steps[1].details.excerpt).toContain('release.flag is missing');
      // The flip itself is in the audit as the command's own entry, by the same actor.
      expect(audit.entries.find((entry: { kind: string }) => entry.kind === 'flip')).toMatchObject({ actor: 'ops-tester' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('without a terminal it needs --yes (exit 2), and never passes a manual check silently', async () => {
    const dir = setup('# M\n\n```step id=a kind=shell\necho a >> ran.txt\n```\n\n```step id=eyes kind=manual\nThe dashboard is green.\n```\n');
    try {
      const noYes = await run(dir, ['book']);
      expect(noYes.exitCode).toBe(2);
      expect(noYes.json().error.code).toBe('confirm.required');
      const manual = await run(dir, ['book', '--yes']);
      expect(manual.exitCode).toBe(2);
      expect(manual.json().error).toMatchObject({ code: 'runbook.manual-unconfirmed' });
      expect(manual.json().error.fix).toContain('--confirm-manual eyes');
      expect(existsSync(join(dir, 'ran.txt'))).toBe(false); // refused before any step ran
      expect((await run(dir, ['book', '--yes', '--confirm-manual', 'a'])).json().error.code).toBe('runbook.confirm-manual');

      const confirmed = await run(dir, ['book', '--yes', '--confirm-manual', 'eyes']);
      expect(confirmed.exitCode).toBe(0);
      const log = JSON.parse(readFileSync(confirmed.result().log, 'utf8'));
      expect(log.steps[1]).toMatchObject({ id: 'eyes', status: 'done', confirmation: '--confirm-manual' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an unknown variable exits 2 naming it; --from starts later and records the skipped steps', async () => {
    const dir = setup(
      '# V\n\n```vars\ntier\n```\n\n```step id=one kind=shell\necho {{tier}} >> out.txt\n```\n\n```step id=two kind=shell\necho two-{{tier}} >> out.txt\n```\n',
    );
    try {
      const missing = await run(dir, ['book', '--yes']);
      expect(missing.exitCode).toBe(2);
      expect(missing.json().error.message).toBe('unknown variable "tier" in step "one" of runbook "book"');
      const typo = await run(dir, ['book', '--yes', '--var', 'teir=critical']);
      expect(typo.exitCode).toBe(2);
      expect(typo.json().error.message).toContain('has no variable "teir"');
      const from = await run(dir, ['book', '--yes', '--var', 'tier=critical', '--from', 'two']);
      expect(from.exitCode).toBe(0);
      expect(from.result().steps.map((step: { status: string }) => step.status)).toEqual(['skipped', 'done']);
      expect(readFileSync(join(dir, 'out.txt'), 'utf8')).toBe('two-critical\n');
      expect((await run(dir, ['book', '--yes', '--var', 'tier=x', '--from', 'three'])).json().error.code).toBe('runbook.unknown-step');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('Ctrl-C reaches the running step once; the next run resumes at that step', async () => {
    const dir = setup(
      '# I\n\n```step id=first kind=shell\necho first >> out.txt\n```\n\n```step id=slow kind=shell\ntouch started.txt\ntest -f fast.flag || sleep 30\necho slow >> out.txt\n```\n',
    );
    try {
      const child = execa('node', [BIN, 'runbook', 'run', 'book', '--dir', dir, '--yes', '--json'], {
        cwd: dir,
        reject: false,
        env: { NO_COLOR: '1', REDIS_URL: inject('redisUrl') },
        stdin: 'ignore',
      });
      await waitFor(() => existsSync(join(dir, 'out.txt')), { what: 'the first step' });
      await waitFor(() => existsSync(join(dir, 'started.txt')), { what: 'the slow step to start' });
      await waitFor(() => descendants(child.pid!).some((process) => process.command === 'sleep'), { what: 'the slow step in its sleep' });
      const started = Date.now();
      child.kill('SIGINT');
      const result = await child;
      expect(result.exitCode).toBe(130);
      expect(Date.now() - started).toBeLessThan(15_000); // the step was stopped, not waited out
      expect(JSON.parse(String(result.stdout)).error.message).toContain('interrupted during step "slow"');
      writeFileSync(join(dir, 'fast.flag'), '');
      const resumed = await run(dir, ['book', '--yes']);
      expect(resumed.exitCode).toBe(0);
      expect(resumed.result()).toMatchObject({ resumed: true, startedAt: 'slow' });
      expect(readFileSync(join(dir, 'out.txt'), 'utf8')).toBe('first\nslow\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs while Redis is unreachable (the audit is best effort, the run log has every step)', async () => {
    const dir = setup(
      '# Down\n\n```step id=probe kind=redis-migrate allow-failure=true\nstatus --timeout 1s\n```\n\n```step id=local kind=shell\necho fine\n```\n',
    );
    try {
      const down = `redis://127.0.0.1:${await freePort()}`;
      const result = await run(dir, ['book', '--yes', '--timeout', '1s'], { REDIS_URL: down });
      expect(result.exitCode).toBe(0);
      const report = result.result();
      expect(report.steps.map((step: { status: string; exitCode: number }) => [step.status, step.exitCode])).toEqual([
        ['done', 1],
        ['done', 0],
      ]);
      expect(report.warnings.join(' ')).toMatch(/audit entr(y|ies) could not be written/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the shipped rollback runbook', () => {
  it('works with a broken plan file: only the flag store is needed', async () => {
    const ns = uniqueNamespace('rbr');
    const dir = tempDir('rollback');
    try {
      expect(
        (await runCli(['phase2', '--tier', 'non-critical', '--yes', '--wait', '0', '--namespace', ns], { env: { REDIS_URL: inject('redisUrl') } })).exitCode,
      ).toBe(0);
      writeFileSync(join(dir, 'redis-migrate.config.json'), '{"tiers": "oops"');
      const result = await runCli(['runbook', 'run', 'rollback', '--yes', '--namespace', ns, '--confirm-manual', 'apps-recover', '--json'], {
        cwd: dir,
        env: { REDIS_URL: inject('redisUrl') },
        timeoutMs: 60_000,
      });
      expect(result.exitCode).toBe(0);
      expect(result.result()).toMatchObject({ completed: true });
      expect(await admin.hget(stateKeys(ns).state, 'useBullmq')).toBe('false');
      const log = JSON.parse(readFileSync(result.result().log, 'utf8'));
      expect(log.steps[0].command).toBe('redis-migrate rollback --yes --reason "on-call rollback (runbook)" --wait 5s');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('runbook evidence', () => {
  it('never records a secret a step prints (run log and excerpts are redacted)', async () => {
    const dir = setup('# S\n\n```step id=leak kind=shell\necho "pw=$(echo "$REDIS_URL" | sed \'s#.*:\\(.*\\)@.*#\\1#\')"\necho "url=$REDIS_URL"\n```\n');
    try {
      const secret = 'S3cretPW-xyz';
      const result = await run(dir, ['book', '--yes', '--timeout', '1s'], { REDIS_URL: `redis://:${secret}@127.0.0.1:${await freePort()}` });
      expect(result.exitCode).toBe(0);
      const text = readFileSync(result.result().log, 'utf8');
      expect(text).toContain('pw=***');
      expect(text).toContain('url=redis://***@127.0.0.1');
      expect(text).not.toContain(secret);
      expect(result.stdout).not.toContain(secret);
      expect(result.stderr).toContain('pw=***'); // the live echo too
      expect(result.stderr).not.toContain(secret);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('runbook wait steps', () => {
  it('call the monitor command for the duration (samples land in its stream)', async () => {
    const ns = uniqueNamespace('rbw');
    const dir = setup('# W\n\n```step id=soak kind=wait duration=1s\n--interval 500ms\n```\n');
    try {
      const result = await run(dir, ['book', '--yes', '--namespace', ns]);
      expect(result.exitCode).toBe(0);
      const log = JSON.parse(readFileSync(result.result().log, 'utf8'));
      expect(log.steps[0]).toMatchObject({ id: 'soak', status: 'done', command: 'redis-migrate monitor --duration 1s --interval 500ms' });
      expect(log.steps[0].durationMs).toBeGreaterThanOrEqual(1000);
      expect(await admin.xlen(stateKeys(ns).samples)).toBeGreaterThanOrEqual(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('runbook list and show', () => {
  it('lists the shipped runbooks and renders one for a terminal with variables filled in', async () => {
    const list = await runCli(['runbook', 'list', '--json'], { cwd: tempDir('list') });
    expect(list.exitCode).toBe(0);
    expect(list.result().runbooks.map((entry: { name: string }) => entry.name)).toEqual(['phase1', 'phase2-tier', 'phase3', 'redis-down', 'rollback']);
    const show = await runCli(['runbook', 'show', 'phase2-tier', '--var', 'tier=medium']);
    expect(show.exitCode).toBe(0);
    expect(show.stdout).toContain('$ redis-migrate phase2 --tier medium --yes --wait 5s');
    expect(show.stdout).toContain('$ redis-migrate monitor --duration 24h --auto-rollback');
    expect(show.stdout).toMatch(/Step 4 \[ready\] manual check/);
    const unknown = await runCli(['runbook', 'show', 'nope', '--json']);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.json().error.fix).toContain('phase2-tier');
  });
});

describe('runbook run on a terminal', () => {
  it('asks before each step; "no" stops the run (exit 130) and the next run resumes there', async () => {
    const dir = setup('# T\n\n```step id=one kind=shell\necho one >> out.txt\n```\n\n```step id=two kind=shell\necho two >> out.txt\n```\n');
    try {
      const result = await runInTty(
        ['runbook', 'run', 'book', '--dir', dir],
        [
          { when: /Run step "one"/, send: 'y\r' },
          { when: /Run step "two"/, send: 'n\r' },
        ],
        { cwd: dir, env: { REDIS_URL: inject('redisUrl') } },
      );
      expect(result.unanswered).toBe(0);
      expect(result.exitCode).toBe(130);
      expect(readFileSync(join(dir, 'out.txt'), 'utf8')).toBe('one\n');
      const resumed = await run(dir, ['book', '--yes']);
      expect(resumed.json()).toMatchObject({ ok: true, result: { resumed: true, startedAt: 'two' } });
      expect(readFileSync(join(dir, 'out.txt'), 'utf8')).toBe('one\ntwo\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a manual check is asked even with --yes; "no" fails that step (exit 3)', async () => {
    const dir = setup('# M\n\n```step id=eyes kind=manual\nThe dashboard is green.\n```\n');
    try {
      const result = await runInTty(['runbook', 'run', 'book', '--dir', dir, '--yes'], [{ when: /Confirm: The dashboard is green/, send: 'n\r' }], {
        cwd: dir,
        env: { REDIS_URL: inject('redisUrl') },
      });
      expect(result.unanswered).toBe(0);
      expect(result.exitCode).toBe(3);
      expect(result.output).toContain('Stopped at step "eyes"');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
