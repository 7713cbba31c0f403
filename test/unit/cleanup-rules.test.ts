import { describe, expect, it } from 'vitest';
import { cleanupBlockers, isBlocked } from '../../src/cleanup/blockers.js';
import { eligibleQueues, lostEligibility, tierEligibility } from '../../src/cleanup/eligibility.js';
import { legacyWorkers } from '../../src/cleanup/legacy-workers.js';
import { defaultPlan } from '../../src/plan/default-plan.js';
import { parseStateHash } from '../../src/state/model.js';

const HOUR = 3_600_000;
const T0 = 1_800_000_000_000;
const plan = defaultPlan();

describe('tier eligibility', () => {
  const state = parseStateHash({
    useBullmq: 'true',
    'useBullmq:since': String(T0),
    'tier:non-critical': 'bullmq',
    'tier:non-critical:since': String(T0),
    'tier:medium': 'bullmq',
    'tier:medium:since': String(T0 + 20 * HOUR),
  });

  it('only tiers on BullMQ whose soak window has passed', () => {
    const tiers = tierEligibility(plan, state, T0 + 25 * HOUR);
    expect(tiers.map((tier) => [tier.tier, tier.eligible])).toEqual([
      ['non-critical', true],
      ['medium', false],
      ['critical', false],
    ]);
    expect(tiers[1]?.reason).toMatch(/soaking: 5h of 24h, 19h left/);
    expect(tiers[2]?.reason).toBe('not on BullMQ');
    expect(eligibleQueues(tiers)).toEqual(['webhook-health-check', 'notification-reminder', 'token-health-reminder']);
  });

  it('nothing is eligible while USE_BULLMQ is false, and a rollback takes eligibility away', () => {
    const off = parseStateHash({ ...{ useBullmq: 'false', 'tier:non-critical': 'bullmq', 'tier:non-critical:since': String(T0) } });
    const tiers = tierEligibility(plan, off, T0 + 100 * HOUR);
    expect(eligibleQueues(tiers)).toEqual([]);
    expect(tiers[0]?.reason).toBe('not on BullMQ (USE_BULLMQ=false)');
    expect(lostEligibility(['webhook-health-check'], tiers)).toEqual(['webhook-health-check']);
  });
});

describe('blockers', () => {
  const base = { legacyPrefix: 'bull', bullmqPrefix: 'bullmq', backlog: [], workers: [], foreign: new Map(), killSwitchInstances: 0, useBullmqFlag: 'USE_BULLMQ' };

  it('none when the legacy side is drained and gone', () => {
    expect(cleanupBlockers({ ...base, backlog: [{ queue: 'a', waiting: 0, active: 0, delayed: 0 }] })).toEqual([]);
  });

  it('backlog and workers block with their numbers, and --force passes them', () => {
    const blockers = cleanupBlockers({
      ...base,
      backlog: [
        { queue: 'a', waiting: 3, active: 1, delayed: 0 },
        { queue: 'b', waiting: 0, active: 0, delayed: 2 },
      ],
      workers: [{ queue: 'a', addr: '10.0.0.5:51234', node: 'n' }],
      killSwitchInstances: 1,
    });
    expect(blockers.map((blocker) => blocker.code)).toEqual(['legacy-backlog', 'legacy-worker', 'kill-switch']);
    expect(blockers[0]).toMatchObject({ counts: { waiting: 3, active: 1, delayed: 2 }, queues: ['a', 'b'], overridable: true });
    expect(blockers[0]?.message).toContain('3 waiting, 1 active, 2 delayed');
    expect(blockers[1]?.message).toContain('10.0.0.5');
    expect(isBlocked(blockers, false)).toBe(true);
    expect(isBlocked(blockers, true)).toBe(false);
  });

  it('a shared prefix or BullMQ keys under the legacy prefix cannot be forced', () => {
    const shared = cleanupBlockers({ ...base, bullmqPrefix: 'bull' });
    expect(shared[0]).toMatchObject({ code: 'shared-prefix', overridable: false });
    expect(isBlocked(shared, true)).toBe(true);
    const foreign = cleanupBlockers({ ...base, foreign: new Map([['a', ['marker', 'meta']]]) });
    expect(foreign[0]).toMatchObject({ code: 'foreign-keys', overridable: false, queues: ['a'] });
    expect(isBlocked(foreign, true)).toBe(true);
  });
});

describe('legacy workers from CLIENT LIST', () => {
  // Captured from Bull 4.16.5 (bclient) and BullMQ 6 (Worker blocking connection) on Redis 7.0.
  const text = [
    'id=5 addr=127.0.0.1:35538 laddr=127.0.0.1:6451 fd=11 name=bull:Y2FsZW5kYXItc3luYw== age=2 idle=2 flags=b db=0 sub=0 psub=0 cmd=brpoplpush user=default resp=2',
    'id=6 addr=127.0.0.1:35542 laddr=127.0.0.1:6451 fd=12 name=bull:Y2FsZW5kYXItc3luYw== age=9 idle=0 flags=N db=0 sub=0 psub=0 cmd=evalsha user=default resp=2',
    'id=7 addr=127.0.0.1:35558 laddr=127.0.0.1:6451 fd=13 name= age=2 idle=2 flags=P db=0 sub=1 psub=0 cmd=subscribe user=default resp=2',
    'id=8 addr=127.0.0.1:35600 laddr=127.0.0.1:6451 fd=14 name=bullmq:Y2FsZW5kYXItc3luYw== age=2 idle=2 flags=b db=0 cmd=bzpopmin user=default resp=2',
    'id=9 addr=127.0.0.1:35601 laddr=127.0.0.1:6451 fd=15 name=bull:Y2FsZW5kYXItc3luYw== age=2 idle=2 flags=b db=0 cmd=bzpopmin user=default resp=2',
    'id=10 addr=127.0.0.1:35602 laddr=127.0.0.1:6451 fd=16 name=bull:b3RoZXI= age=2 idle=2 flags=b db=0 cmd=brpoplpush user=default resp=2',
  ].join('\n');

  it('counts Bull blocking connections of the target queues only, busy or blocked, never BullMQ ones', () => {
    expect(legacyWorkers(text, 'bull', ['calendar-sync'], 'n1')).toEqual([
      { queue: 'calendar-sync', addr: '127.0.0.1:35538', node: 'n1' },
      { queue: 'calendar-sync', addr: '127.0.0.1:35542', node: 'n1' },
    ]);
    expect(legacyWorkers(text, 'bull', ['other'], 'n1')).toHaveLength(1);
    expect(legacyWorkers(text, 'bull', [], 'n1')).toEqual([]);
  });
});
