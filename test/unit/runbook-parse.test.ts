import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseAttributes, parseRunbook, type Runbook } from '../../src/runbook/parse.js';
import { displayArgs, parseVarOptions, resolveRunbook, resolveVariables, splitArgs, substitute } from '../../src/runbook/plan-steps.js';
import { firstUnfinished, newRunId, pickResumable, type RunLog } from '../../src/runbook/run-log.js';
import { remainingWaitMs } from '../../src/usecases/runbook-run.js';

const SAMPLE = [
  '# Sample',
  '',
  'Intro text.',
  '',
  '```vars',
  'tier            # required',
  'soak = 24h      # the window',
  '```',
  '',
  '## Flip it',
  '',
  '```step id=flip kind=redis-migrate',
  'phase2 --tier {{tier}} --yes --reason "two words"',
  '```',
  '',
  '```step id=watch kind=wait duration={{soak}} title="Soak {{tier}}"',
  '--auto-rollback',
  '```',
  '',
  '```step id=look kind=manual',
  'Dashboards show {{tier}} healthy.',
  '```',
  '',
  '```sh',
  'echo "an ordinary code block is not a step"',
  '```',
  '',
  '```step id=probe kind=shell allow-failure=true timeout=30s',
  'echo {{tier}}',
  '```',
].join('\n');

function sample(): Runbook {
  const parsed = parseRunbook('sample', SAMPLE);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.runbook;
}

describe('runbook parsing', () => {
  it('finds steps in order with their kind, title (heading or title=), body and attributes', () => {
    const runbook = sample();
    expect(runbook.title).toBe('Sample');
    expect(runbook.steps.map((step) => [step.id, step.kind, step.title])).toEqual([
      ['flip', 'redis-migrate', 'Flip it'],
      ['watch', 'wait', 'Soak {{tier}}'],
      ['look', 'manual', 'Flip it'],
      ['probe', 'shell', 'Flip it'],
    ]);
    expect(runbook.steps[1]?.attributes).toEqual({ duration: '{{soak}}' });
    expect(runbook.variables).toEqual([
      { name: 'tier', default: null, description: 'required', public: false },
      { name: 'soak', default: '24h', description: 'the window', public: false },
    ]);
    expect(runbook.blocks.filter((block) => block.type === 'code')).toHaveLength(1);
  });

  it.each([
    ['```step kind=shell\necho\n```', /step needs id/],
    ['```step id=a kind=bash\necho\n```', /kind must be one of shell, redis-migrate, wait, manual, note/],
    ['```step id=a kind=note\nx\n```\n```step id=a kind=note\ny\n```', /duplicate step id "a"/],
    ['```step id=w kind=wait\n```', /a wait step needs duration/],
    ['```step id=w kind=wait duration=soon\n```', /duration "soon" is not a duration/],
    ['```step id=r kind=redis-migrate\nstatus\naudit\n```', /exactly one command line/],
    ['```step id=s kind=shell\n```', /empty shell step/],
    ['```step id=s kind=shell title="unclosed\necho\n```', /cannot read/],
    ['```step id=s kind=shell\necho', /never closed/],
    ['# nothing to run', /no steps/],
    ['```step id=m kind=manual allow-failure=true\nx\n```', /allow-failure applies to commands/],
  ])('reports %j', (text, message) => {
    const parsed = parseRunbook('bad', text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.issues.map((issue) => issue.message).join('\n')).toMatch(message);
  });

  it('reads quoted attribute values', () => {
    expect(parseAttributes('id=a title="Say \\"hi\\" now" kind=note')).toEqual({ attributes: { id: 'a', title: 'Say "hi" now', kind: 'note' } });
  });

  it('parses every runbook shipped in runbooks/', () => {
    const dir = fileURLToPath(new URL('../../runbooks/', import.meta.url));
    const files = readdirSync(dir).filter((file) => file.endsWith('.md'));
    expect(files.sort()).toEqual(['phase1.md', 'phase2-tier.md', 'phase3.md', 'redis-down.md', 'rollback.md']);
    for (const file of files) {
      const parsed = parseRunbook(file, readFileSync(`${dir}${file}`, 'utf8'));
      expect(parsed.ok, `${file}: ${JSON.stringify(parsed.ok ? '' : parsed.issues)}`).toBe(true);
    }
  });

  it('the rollback runbook needs nothing but the rollback command first (no preflight, monitor or plan)', () => {
    const parsed = parseRunbook('rollback', readFileSync(fileURLToPath(new URL('../../runbooks/rollback.md', import.meta.url)), 'utf8'));
    if (!parsed.ok) throw new Error('invalid');
    const commands = parsed.runbook.steps.filter((step) => step.kind === 'redis-migrate' || step.kind === 'wait' || step.kind === 'shell');
    expect(commands.map((step) => step.body.split(' ')[0])).toEqual(['rollback']);
    expect(parsed.runbook.steps[0]?.id).toBe('rollback');
  });
});

describe('variables and resolved steps', () => {
  it('fills variables per argument (no shell), and wait steps call monitor with the duration', () => {
    const runbook = sample();
    const values = resolveVariables(runbook, parseVarOptions(['tier=critical']));
    expect(values).toEqual({ tier: 'critical', soak: '24h' });
    const steps = resolveRunbook(runbook, values);
    expect(steps[0]).toMatchObject({ kind: 'redis-migrate', args: ['phase2', '--tier', 'critical', '--yes', '--reason', 'two words'] });
    expect(steps[1]).toMatchObject({ kind: 'wait', args: ['monitor', '--duration', '24h', '--auto-rollback'], durationMs: 86_400_000, title: 'Soak critical' });
    expect(steps[2]).toMatchObject({ kind: 'manual', text: 'Dashboards show critical healthy.' });
    expect(steps[3]).toMatchObject({ kind: 'shell', script: 'echo critical', allowFailure: true, timeoutMs: 30_000 });
  });

  it('a missing or misspelt variable is a usage error naming it, before anything runs', () => {
    const runbook = sample();
    expect(() => resolveRunbook(runbook, resolveVariables(runbook, {}))).toThrow(/unknown variable "tier" in step "flip"/);
    expect(() => resolveVariables(runbook, { teir: 'critical' })).toThrow(/runbook "sample" has no variable "teir" \(it has: tier, soak\)/);
    expect(() => parseVarOptions(['tier'])).toThrow(/invalid --var "tier"/);
  });

  it('refuses values that would change a shell script, and substitutes elsewhere freely', () => {
    expect(() => substitute('echo {{x}}', { x: 'a; rm -rf /' }, 'here', { shell: true })).toThrow(/unsafe in the shell step/);
    expect(substitute('echo {{x}}', { x: 'a; b' }, 'here')).toBe('echo a; b');
    expect(substitute('{{ x }}!', { x: 'ok' }, 'here')).toBe('ok!');
  });

  it('splits command lines like a shell would, without one', () => {
    expect(splitArgs(`rollback --reason "it's down" --tier 'a b' x\\ y`)).toEqual(['rollback', '--reason', "it's down", '--tier', 'a b', 'x y']);
    expect(splitArgs('  a   ""  b ')).toEqual(['a', '', 'b']);
    expect(() => splitArgs('a "b')).toThrow(/unclosed/);
    expect(splitArgs(displayArgs(['rollback', '--reason', 'it\'s "down"', '']))).toEqual(['rollback', '--reason', 'it\'s "down"', '']);
  });
});

describe('run log', () => {
  const log = (over: Partial<RunLog>): RunLog => ({
    version: 1,
    id: 'x',
    runbook: 'rb',
    file: 'f',
    sha256: 's',
    vars: {},
    actor: 'a',
    host: 'h',
    startedAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    status: 'running',
    steps: [],
    ...over,
  });
  const record = (id: string, status: 'done' | 'failed' | 'skipped' | 'interrupted') => ({
    id,
    kind: 'shell',
    title: id,
    status,
    command: '',
    exitCode: 0,
    startedAt: '',
    durationMs: 0,
    excerpt: '',
    actor: 'a',
    confirmation: 'none' as const,
  });

  it('resumes at the first step not done or skipped; a step that ran again counts by its last record', () => {
    const ids = ['a', 'b', 'c'];
    expect(firstUnfinished(ids, log({ steps: [record('a', 'done'), record('b', 'failed')] }))).toBe(1);
    expect(firstUnfinished(ids, log({ steps: [record('a', 'done'), record('b', 'failed'), record('b', 'done')] }))).toBe(2);
    expect(firstUnfinished(ids, log({ steps: [record('a', 'skipped'), record('b', 'done'), record('c', 'done')] }))).toBe(3);
    expect(firstUnfinished(ids, log({ steps: [record('a', 'interrupted')] }))).toBe(0);
  });

  it('picks the newest unfinished run with the same variables', () => {
    const logs = [
      log({ id: 'old', startedAt: '2026-01-01T00:00:00.000Z', vars: { tier: 'a' } }),
      log({ id: 'new', startedAt: '2026-01-02T00:00:00.000Z', vars: { tier: 'a' } }),
      log({ id: 'done', startedAt: '2026-01-03T00:00:00.000Z', vars: { tier: 'a' }, status: 'completed' }),
      log({ id: 'other', startedAt: '2026-01-04T00:00:00.000Z', vars: { tier: 'b' } }),
    ];
    expect(pickResumable(logs, 'rb', { tier: 'a' })?.id).toBe('new');
    expect(pickResumable(logs, 'rb', { tier: 'c' })).toBeNull();
    expect(newRunId(new Date('2026-11-25T21:00:05.123Z'), 'abcdef')).toBe('20261125T210005Z-abcd');
  });
});

describe('resumed wait', () => {
  it('watches what is left of the window, at least 10 s', () => {
    const HOUR = 3_600_000;
    expect(remainingWaitMs(24 * HOUR, 0, 20 * HOUR)).toBe(4 * HOUR);
    expect(remainingWaitMs(24 * HOUR, 0, 30 * HOUR)).toBe(10_000);
    expect(remainingWaitMs(60_000, 1000, 500)).toBe(60_000);
  });
});
