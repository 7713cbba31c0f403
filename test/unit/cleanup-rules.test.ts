import { describe, expect, it } from 'vitest';
import { cleanupBlockers, isBlocked } from '../../src/cleanup/blockers.js';
import { eligibleQueues, lostEligibility, tierEligibility } from '../../src/cleanup/eligibility.js';
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
  const base = {
    legacyPrefix: 'bull',
    bullmqPrefix: 'bullmq',
    backlog: [],
    workers: [],
    foreign: new Map(),
    killSwitchInstances: 0,
    useBullmqFlag: 'USE_BULLMQ',
  };

  it('none when the legacy side is drained and gone', () => {
    expect(cleanupBlockers({ ...base, backlog: [{ queue: 'a', waiting: 0, active: 0, delayed: 0 }] })).toEqual([]);
  });

  it('Bull still imported by the app for a queue being cleaned (code.legacy-usage) blocks, and yields to --force', () => {
    const blockers = cleanupBlockers({ ...base, legacyCode: { files: ['src/sync.js'], queues: ['calendar-sync'] } });
    expect(blockers).toEqual([expect.objectContaining({ code: 'legacy-code', overridable: true, queues: ['calendar-sync'], counts: { files: 1 } })]);
    expect(blockers[0]?.message).toContain('src/sync.js');
    expect(isBlocked(blockers, false)).toBe(true);
    expect(isBlocked(blockers, true)).toBe(false);
    expect(cleanupBlockers({ ...base, legacyCode: { files: [], queues: [] } })).toEqual([]);
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
