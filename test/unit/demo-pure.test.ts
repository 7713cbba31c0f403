import { describe, expect, it } from 'vitest';
import { judgeClaims, type ClaimInputs } from '../../src/demo/claims.js';
import { countByProcess, countConnections, emptyRoles, processOf, roleOf, type ConnectionCount } from '../../src/demo/connections.js';
import { predictConnections, type DemoTopology } from '../../src/demo/model.js';
import { commandText, demoSteps } from '../../src/demo/script.js';
import { defaultPlan } from '../../src/plan/default-plan.js';

const prefixes = { legacy: 'bull', bullmq: 'bullmq' };
const plan = defaultPlan();
const queues = plan.tiers.flatMap((tier) => tier.queues);
const tierQueues = (...names: string[]) => new Set(plan.tiers.filter((tier) => names.includes(tier.name)).flatMap((tier) => tier.queues));

describe('roleOf', () => {
  it.each([
    ['fleet:app:bull:calendar-sync', 'evalsha', 'bull'],
    ['fleet:app:bull:calendar-sync', 'subscribe', 'bull'],
    ['bull:Y2FsZW5kYXItc3luYw==', 'brpoplpush', 'bull'],
    ['bullmq:Y2FsZW5kYXItc3luYw==', 'bzpopmin', 'bullmq-blocking'],
    ['', 'bzpopmin', 'bullmq-blocking'],
    ['fleet:app:shared', 'evalsha', 'bullmq-shared'],
    ['fleet:app:cache', 'get', 'kv'],
    ['fleet:app:sms', 'exec', 'kv'],
    ['redis-migrate:sdk:fleet-app:1a2b3c:sub', 'subscribe', 'flags-sdk'],
    ['redis-migrate:cli:demo', 'client|list', 'tool'],
    ['', 'info', 'other'],
  ])('%s (%s) is %s', (name, cmd, role) => {
    expect(roleOf(name, cmd, prefixes)).toBe(role);
  });

  it('finds the fleet process in a name', () => {
    expect(processOf('fleet:api:shared')).toBe('api');
    expect(processOf('redis-migrate:sdk:fleet-worker:abc:sub')).toBe('worker');
    expect(processOf('bullmq:Zm9v')).toBeUndefined();
  });
});

describe('counting CLIENT LIST', () => {
  const list = [
    'id=1 name=fleet:api:shared cmd=evalsha',
    'id=2 name=redis-migrate:sdk:fleet-api:aa:sub cmd=subscribe',
    'id=3 name=fleet:worker:shared cmd=evalsha',
    'id=4 name=redis-migrate:sdk:fleet-worker:bb:sub cmd=subscribe',
    'id=5 name=bullmq:ZmxlZXQtam9icw== cmd=bzpopmin',
    'id=6 name=fleet:worker:cache cmd=get',
    'id=7 name=redis-migrate:cli:demo cmd=client|list',
    'id=8 name=fleet:other:shared cmd=evalsha',
    '',
  ].join('\n');

  it('counts the app by role and this tool apart', () => {
    const count = countConnections(list, prefixes, ['api', 'worker']);
    expect(count.total).toBe(6);
    expect(count.tool).toBe(1);
    expect(count.byRole).toMatchObject({ 'bullmq-shared': 2, 'flags-sdk': 2, 'bullmq-blocking': 1, kv: 1 });
  });

  it('splits by process, giving blocking connections to the worker', () => {
    const byProcess = countByProcess(list, prefixes, ['api', 'worker'], 'worker');
    expect(byProcess.api?.total).toBe(2);
    expect(byProcess.worker?.total).toBe(4);
  });
});

describe('predictConnections (facts file model on the fleet)', () => {
  it.each<[DemoTopology, string[], boolean, number]>([
    ['single', [], false, 38],
    ['single', [], true, 35],
    ['single', ['non-critical'], false, 32],
    ['single', ['non-critical', 'medium'], false, 22],
    ['single', ['non-critical', 'medium', 'critical'], false, 16],
    ['single', ['non-critical', 'medium', 'critical'], true, 13],
    ['merged', ['non-critical', 'medium', 'critical'], true, 3],
    ['split', [], false, 51],
    ['split', ['non-critical', 'medium', 'critical'], true, 5],
  ])('%s with %j on BullMQ, kv on HTTP %s: %i', (topology, tiers, kvOnHttp, total) => {
    expect(predictConnections({ queues, onBullmq: tierQueues(...tiers), kvOnHttp, topology }).total).toBe(total);
  });
});

describe('judgeClaims', () => {
  const count = (total: number, roles: Partial<ConnectionCount['byRole']> = {}): ConnectionCount => ({ total, tool: 0, byRole: { ...emptyRoles(), ...roles } });
  const base: ClaimInputs = {
    legacy: count(38, { bull: 33, kv: 3, 'bullmq-shared': 1, 'flags-sdk': 1 }),
    phase1: count(35, { bull: 33, 'bullmq-shared': 1, 'flags-sdk': 1 }),
    kvOnHttp: true,
    finalSingle: count(13, { 'bullmq-blocking': 11, 'bullmq-shared': 1, 'flags-sdk': 1 }),
    bullmqWorkers: 11,
    finalMergedWorker: count(3, { 'bullmq-blocking': 1, 'bullmq-shared': 1, 'flags-sdk': 1 }),
    finalApi: count(2, { 'bullmq-shared': 1, 'flags-sdk': 1 }),
  };

  it('judges each claim against its range', () => {
    expect(judgeClaims(base).map((claim) => claim.verdict)).toEqual(['holds', 'holds', 'does not hold', 'holds', 'holds']);
  });

  it('does not pass phase 1 when the stores never moved, and marks merged queues partial while they are on TCP', () => {
    const claims = judgeClaims({ ...base, kvOnHttp: false, phase1: base.legacy, finalMergedWorker: count(6, { 'bullmq-blocking': 1, 'bullmq-shared': 1, 'flags-sdk': 1, kv: 3 }) });
    expect(claims.map((claim) => claim.verdict)).toEqual(['holds', 'not measured', 'does not hold', 'holds only partly', 'holds']);
  });

  it('says when the baseline is out of the claimed range', () => {
    expect(judgeClaims({ ...base, legacy: count(50) })[0]?.verdict).toBe('does not hold');
  });
});

describe('demo script', () => {
  it('walks every tier, a rollback and a re-flip', () => {
    const steps = demoSteps(['a', 'b']);
    expect(steps.map((step) => step.id)).toEqual(['legacy', 'phase1', 'phase2:a', 'phase2:b', 'rollback', 'reflip']);
    expect(steps.map((step) => commandText(step.run))).toEqual(['-', 'phase1', 'phase2 --tier a', 'phase2 --tier b', 'rollback', 'phase2 --tier a']);
  });
});
