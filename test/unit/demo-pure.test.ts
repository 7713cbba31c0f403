import { describe, expect, it } from 'vitest';
import { judgeClaims, type ClaimInputs } from '../../src/demo/claims.js';
import { countWorld, processOf } from '../../src/demo/connections.js';
import { commandText, demoSteps } from '../../src/demo/script.js';
import { classifyContextFromPlan, emptyByRole, type ConnectionSummary } from '../../src/observe/classify.js';
import { defaultPlan } from '../../src/plan/default-plan.js';

const plan = defaultPlan();
const ctx = classifyContextFromPlan(plan);
const b64 = (text: string) => Buffer.from(text).toString('base64');

describe('counting a demo world', () => {
  const list = [
    'id=1 addr=127.0.0.1:1 name=fleet:api:bullmq flags=N sub=0 psub=0 cmd=evalsha',
    'id=2 addr=127.0.0.1:2 name=redis-migrate:sdk:fleet-api:aa:sub flags=P sub=1 psub=0 cmd=subscribe',
    'id=3 addr=127.0.0.1:3 name=fleet:worker:bullmq flags=N sub=0 psub=0 cmd=evalsha',
    'id=4 addr=127.0.0.1:4 name=redis-migrate:sdk:fleet-worker:bb:sub flags=P sub=1 psub=0 cmd=subscribe',
    `id=5 addr=127.0.0.1:5 name=bullmq:${b64('fleet-jobs')} flags=b sub=0 psub=0 cmd=bzpopmin`,
    'id=6 addr=127.0.0.1:6 name=redis-migrate:kv:fleet-worker:cache flags=N sub=0 psub=0 cmd=get',
    'id=7 addr=127.0.0.1:7 name=fleet:worker:bull:calendar-sync flags=N sub=0 psub=0 cmd=evalsha',
    'id=8 addr=127.0.0.1:8 name=fleet:worker:bull:calendar-sync flags=P sub=1 psub=0 cmd=subscribe',
    `id=9 addr=127.0.0.1:9 name=bull:${b64('calendar-sync')} flags=b sub=0 psub=0 cmd=brpoplpush`,
    'id=10 addr=127.0.0.1:10 name=redis-migrate:cli:demo flags=N sub=0 psub=0 cmd=client|list',
    'id=11 addr=127.0.0.1:11 name=fleet:other:bullmq flags=N sub=0 psub=0 cmd=evalsha',
    `id=12 addr=127.0.0.1:12 name=elsewhere:${b64('calendar-sync')} flags=b sub=0 psub=0 cmd=bzpopmin`,
    '',
  ].join('\n');
  const filter = { prefixes: { legacy: 'bull', bullmq: 'bullmq' }, processes: ['api', 'worker'], blockingOwner: 'worker' };

  it('classifies with src/observe and keeps only the world, split by process', () => {
    const { all, byProcess } = countWorld(list, ctx, filter, ['non-critical', 'medium', 'critical']);
    expect(all.app).toBe(9);
    expect(all.bySystem).toMatchObject({ legacy: 3, bullmq: 3, flags: 2, cache: 1, unknown: 0 });
    expect(all.byRole).toMatchObject({ 'legacy-worker': 1, 'legacy-events': 1, 'bullmq-worker': 1, 'bullmq-shared': 2, 'flags-sdk': 2, 'cache-tcp': 1 });
    expect(all.byTier.critical).toBe(3);
    expect(byProcess.api?.app).toBe(2);
    expect(byProcess.worker?.app).toBe(7);
  });

  it('finds the fleet process in a name', () => {
    expect(processOf('fleet:api:bullmq')).toBe('api');
    expect(processOf('redis-migrate:sdk:fleet-worker:abc:sub')).toBe('worker');
    expect(processOf('redis-migrate:kv:fleet-worker:sms')).toBe('worker');
    expect(processOf('bullmq:Zm9v')).toBeUndefined();
  });
});

describe('judgeClaims', () => {
  const count = (app: number, roles: Partial<ConnectionSummary['byRole']> = {}, systems: Partial<ConnectionSummary['bySystem']> = {}) => ({
    app,
    byRole: { ...emptyByRole(), ...roles },
    bySystem: { legacy: 0, bullmq: 0, flags: 0, cache: 0, tool: 0, unknown: 0, ...systems },
  });
  const base: ClaimInputs = {
    legacy: count(38, { 'bullmq-shared': 1, 'flags-sdk': 1 }, { legacy: 33, cache: 3, bullmq: 1, flags: 1 }),
    phase1: count(35, { 'bullmq-shared': 1, 'flags-sdk': 1 }, { legacy: 33, bullmq: 1, flags: 1 }),
    kvOnHttp: true,
    finalSingle: count(13, { 'bullmq-worker': 11, 'bullmq-shared': 1, 'flags-sdk': 1 }, { bullmq: 12, flags: 1 }),
    finalMergedWorker: count(3, { 'bullmq-worker': 1, 'bullmq-shared': 1, 'flags-sdk': 1 }, { bullmq: 2, flags: 1 }),
    finalApi: count(2, { 'bullmq-shared': 1, 'flags-sdk': 1 }, { bullmq: 1, flags: 1 }),
  };

  it('judges each claim against its range', () => {
    expect(judgeClaims(base).map((claim) => claim.verdict)).toEqual(['holds', 'holds', 'does not hold', 'holds', 'holds']);
  });

  it('does not pass phase 1 when the stores never moved, and marks merged queues partial while they are on TCP', () => {
    const claims = judgeClaims({
      ...base,
      kvOnHttp: false,
      phase1: base.legacy,
      finalMergedWorker: count(6, { 'bullmq-worker': 1, 'bullmq-shared': 1, 'flags-sdk': 1 }, { bullmq: 2, flags: 1, cache: 3 }),
    });
    expect(claims.map((claim) => claim.verdict)).toEqual(['holds', 'not measured', 'does not hold', 'holds only partly', 'holds']);
    expect(claims[1]?.why).toContain('35 would remain');
  });

  it('says when the baseline is out of the claimed range', () => {
    expect(judgeClaims({ ...base, legacy: count(50) })[0]?.verdict).toBe('does not hold');
  });
});

describe('demo script', () => {
  it('walks every tier, a rollback, then every tier again (the rollback returned them all to legacy)', () => {
    const steps = demoSteps(['a', 'b']);
    expect(steps.map((step) => step.id)).toEqual(['legacy', 'phase1', 'phase2:a', 'phase2:b', 'rollback', 'reflip:a', 'reflip:b', 'phase3']);
    expect(steps.map((step) => commandText(step.run))).toEqual([
      '-',
      'phase1',
      'phase2 --tier a',
      'phase2 --tier b',
      'rollback',
      'phase2 --tier a',
      'phase2 --tier b',
      'phase3 cleanup + verify',
    ]);
  });
});
