import { describe, expect, it } from 'vitest';
import { tierEligibility } from '../../src/cleanup/eligibility.js';
import { verifyEndState, type VerifyInput } from '../../src/cleanup/verify-rules.js';
import { defaultPlan } from '../../src/plan/default-plan.js';
import type { AuditEntry } from '../../src/state/audit.js';
import { parseStateHash } from '../../src/state/model.js';

const T0 = 1_800_000_000_000;
const DAY = 86_400_000;
const plan = defaultPlan();

const hash = {
  version: '4',
  useHttpRedis: 'true',
  useBullmq: 'true',
  'useBullmq:since': String(T0),
  'tier:non-critical': 'bullmq',
  'tier:non-critical:since': String(T0),
  'tier:medium': 'bullmq',
  'tier:medium:since': String(T0 + DAY),
  'tier:critical': 'bullmq',
  'tier:critical:since': String(T0 + 2 * DAY),
};
const change = (version: number, after: Record<string, string>, kind = 'flip'): AuditEntry => ({
  id: `${version}-0`,
  time: T0 + version,
  kind,
  actor: 'a',
  command: '',
  reason: '',
  version,
  before: {},
  after,
  details: {},
});
const audit: AuditEntry[] = [
  change(1, { useHttpRedis: 'true' }),
  change(2, { 'tier:non-critical': 'bullmq', useBullmq: 'true' }),
  change(3, { 'tier:medium': 'bullmq' }),
  change(4, { 'tier:critical': 'bullmq' }),
];

function input(over: Partial<VerifyInput> = {}): VerifyInput {
  const state = parseStateHash(hash);
  return {
    plan,
    state,
    stateHash: hash,
    tiers: tierEligibility(plan, state, T0 + 5 * DAY),
    legacyKeys: { total: 0, byQueue: {} },
    legacyConnections: { total: 0, byRole: {}, queues: [] },
    connections: 12,
    idle: { perMinute: 20, windowMs: 30_000 },
    targets: { connections: 13, idleCommandsPerMinute: 30 },
    dotenv: null,
    expectedSinkValues: { USE_BULLMQ: 'true', BULLMQ_TIERS: 'non-critical,medium,critical', USE_HTTP_REDIS: 'true' },
    audit,
    ...over,
  };
}

const status = (results: ReturnType<typeof verifyEndState>) => Object.fromEntries(results.map((result) => [result.id, result.status]));

describe('phase3 verify rules', () => {
  it('passes the finished migration', () => {
    expect(status(verifyEndState(input()))).toEqual({
      'phase3.tiers-soaked': 'pass',
      'phase3.flags-final': 'pass',
      'phase3.legacy-keys': 'pass',
      'phase3.legacy-connections': 'pass',
      'phase3.connections-target': 'pass',
      'phase3.idle-commands': 'pass',
      'phase3.sinks': 'skip',
      'phase3.audit-trail': 'pass',
    });
  });

  it('names what is missing, with the numbers', () => {
    const results = verifyEndState(
      input({
        tiers: tierEligibility(plan, parseStateHash(hash), T0 + 2 * DAY + 3_600_000),
        legacyKeys: { total: 7, byQueue: { 'calendar-sync': 5, 'token-refresh': 2 } },
        legacyConnections: { total: 3, byRole: { 'legacy-worker': 3 }, queues: ['calendar-sync'] },
        connections: 20,
        idle: { perMinute: 286, windowMs: 30_000 },
        dotenv: { path: '.env', values: { USE_BULLMQ: 'false', BULLMQ_TIERS: '', USE_HTTP_REDIS: 'true' } },
      }),
    );
    const byId = Object.fromEntries(results.map((result) => [result.id, result]));
    expect(byId['phase3.tiers-soaked']?.message).toMatch(/critical \(soaking: 1h of 26h/);
    expect(byId['phase3.legacy-keys']?.message).toBe('7 legacy key(s) remain: calendar-sync 5, token-refresh 2');
    expect(byId['phase3.legacy-connections']?.message).toBe('3 legacy connection(s): legacy-worker 3 (calendar-sync)');
    expect(byId['phase3.connections-target']).toMatchObject({ status: 'fail', message: '20 app connections, target 13' });
    expect(byId['phase3.idle-commands']).toMatchObject({ status: 'fail' });
    expect(byId['phase3.sinks']?.message).toContain('.env has USE_BULLMQ=false, expected true');
  });

  it('skips targets the plan does not set', () => {
    const results = status(verifyEndState(input({ targets: { connections: null, idleCommandsPerMinute: null } })));
    expect(results['phase3.connections-target']).toBe('skip');
    expect(results['phase3.idle-commands']).toBe('skip');
  });

  it('the audit trail must hold every change from version 1 and replay to the state', () => {
    const gap = verifyEndState(input({ audit: [audit[0]!, audit[2]!, audit[3]!] })).find((result) => result.id === 'phase3.audit-trail');
    expect(gap).toMatchObject({ status: 'fail', data: { missing: [1, 2] } });
    const wrong = verifyEndState(input({ audit: [...audit.slice(0, 3), change(4, { 'tier:critical': 'legacy' }, 'rollback')] })).find(
      (result) => result.id === 'phase3.audit-trail',
    );
    expect(wrong?.message).toContain('tier:critical legacy vs bullmq');
    // A state wiped and rebuilt restarts its versions: the latest run from 1 counts.
    const rebuilt = verifyEndState(input({ audit: [change(1, { useBullmq: 'false' }), change(2, { useHttpRedis: 'false' }), ...audit] })).find(
      (result) => result.id === 'phase3.audit-trail',
    );
    expect(rebuilt?.status).toBe('pass');
  });

  it('a sink failure after the last change fails the sinks check', () => {
    const failed: AuditEntry = { ...change(0, {}), version: null, kind: 'sink', details: { failures: ['hook platform-env: exit 1'] } };
    const results = verifyEndState(input({ audit: [...audit, failed] }));
    expect(results.find((result) => result.id === 'phase3.sinks')).toMatchObject({ status: 'fail' });
  });
});
