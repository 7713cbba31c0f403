import { describe, expect, it } from 'vitest';
import { parseRunbook, type Runbook } from '../../src/runbook/parse.js';
import { resolveRunbook, resolveVariables, secretVariables, shownValues } from '../../src/runbook/plan-steps.js';
import { pickResumable, varsDigest, type RunLog } from '../../src/runbook/run-log.js';

const TEXT = [
  '# Book',
  '```vars',
  'public tier           # shown in logs',
  'token                 # a secret: masked',
  'public = plain        # a variable named "public"',
  'soak = 1h',
  '```',
  '```step id=flip kind=redis-migrate title="Flip {{tier}} with {{token}}"',
  'phase2 --tier {{tier}} --reason "token {{token}}" --yes',
  '```',
  '```step id=watch kind=wait duration={{soak}}',
  '--note {{token}}',
  '```',
  '```step id=sh kind=shell',
  'echo {{token}}',
  '```',
].join('\n');

function book(): Runbook {
  const parsed = parseRunbook('book', TEXT);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.runbook;
}

describe('runbook variables and secrets', () => {
  it('reads `public` declarations; every other --var is a secret, defaults are not', () => {
    const runbook = book();
    expect(runbook.variables.map((v) => [v.name, v.public, v.default])).toEqual([
      ['tier', true, null],
      ['token', false, null],
      ['public', false, 'plain'],
      ['soak', false, '1h'],
    ]);
    expect(secretVariables(runbook, { tier: 'medium', token: 'tok-123456', soak: '2h' })).toEqual(['token', 'soak']);
  });

  it('steps run with the real values and display masked ones', () => {
    const runbook = book();
    const given = { tier: 'medium', token: 'tok-123456', soak: '2h' };
    const values = resolveVariables(runbook, given);
    const shown = shownValues(values, secretVariables(runbook, given));
    const [flip, watch, sh] = resolveRunbook(runbook, values, shown);
    expect(flip?.args).toEqual(['phase2', '--tier', 'medium', '--reason', 'token tok-123456', '--yes']);
    expect(flip?.display).toBe('redis-migrate phase2 --tier medium --reason "token ***" --yes');
    expect(flip?.title).toBe('Flip medium with ***');
    expect(watch?.args).toEqual(['monitor', '--duration', '2h', '--note', 'tok-123456']);
    expect(watch?.display).toBe('redis-migrate monitor --duration *** --note ***');
    expect(sh?.script).toBe('echo tok-123456');
    expect(sh?.display).toBe('echo ***');
  });

  it('a run resumes only with the same values, matched by a keyed digest', () => {
    const values = { tier: 'medium', token: 'tok-123456' };
    const log = {
      version: 1,
      runbook: 'book',
      status: 'failed',
      startedAt: '2026-12-01T00:00:00Z',
      vars: { tier: 'medium', token: '***' },
      varsDigest: varsDigest(values, 'salt1'),
    } as RunLog;
    expect(log.varsDigest).not.toContain('tok-123456');
    expect(pickResumable([log], 'book', values)).toBe(log);
    expect(pickResumable([log], 'book', { ...values, token: 'other-token' })).toBeNull();
    // A log from before masking (values in clear, no digest) still resumes.
    const old = { ...log, vars: values, varsDigest: undefined };
    expect(pickResumable([old], 'book', values)).toBe(old);
  });
});
