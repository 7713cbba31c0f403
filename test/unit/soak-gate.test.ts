import { describe, expect, it } from 'vitest';
import { defaultPlan } from '../../src/plan/default-plan.js';
import { parseStateHash } from '../../src/state/model.js';
import { evaluateSoakGate, soakProgress } from '../../src/state/soak.js';

const plan = defaultPlan();
const HOUR = 3_600_000;
const T0 = 1_800_000_000_000;

describe('soak gate', () => {
  it('the first tier has no gate', () => {
    expect(evaluateSoakGate(plan, parseStateHash({}), 'non-critical', T0)).toEqual({ open: true, previous: null });
  });

  it('is closed while the previous tier is not on BullMQ', () => {
    const gate = evaluateSoakGate(plan, parseStateHash({}), 'medium', T0);
    expect(gate).toMatchObject({ open: false, previous: 'non-critical', reason: 'previous-not-on-bullmq' });
  });

  it('is closed with the time left while the previous tier soaks, open after its window', () => {
    const state = parseStateHash({ useBullmq: 'true', 'useBullmq:since': String(T0), 'tier:non-critical': 'bullmq', 'tier:non-critical:since': String(T0) });
    const early = evaluateSoakGate(plan, state, 'medium', T0 + 20 * HOUR);
    expect(early).toMatchObject({ open: false, reason: 'previous-soaking', remainingMs: 4 * HOUR });
    expect(evaluateSoakGate(plan, state, 'medium', T0 + 24 * HOUR)).toEqual({ open: true, previous: 'non-critical' });
  });

  it('a rollback of the master switch restarts every soak', () => {
    const state = parseStateHash({
      useBullmq: 'true',
      'useBullmq:since': String(T0 + 23 * HOUR),
      'tier:non-critical': 'bullmq',
      'tier:non-critical:since': String(T0),
    });
    const progress = soakProgress(plan.tiers[0]!, state, T0 + 25 * HOUR);
    expect(progress.elapsedMs).toBe(2 * HOUR);
    expect(progress.complete).toBe(false);
    const off = parseStateHash({ useBullmq: 'false', 'tier:non-critical': 'bullmq', 'tier:non-critical:since': String(T0) });
    expect(soakProgress(plan.tiers[0]!, off, T0 + 30 * HOUR)).toMatchObject({ elapsedMs: 0, complete: false, startedAt: null });
  });

  it('marks the close-watch window of the critical tier', () => {
    const state = parseStateHash({ useBullmq: 'true', 'tier:critical': 'bullmq', 'tier:critical:since': String(T0) });
    expect(soakProgress(plan.tiers[2]!, state, T0 + HOUR).watching).toBe(true);
    expect(soakProgress(plan.tiers[2]!, state, T0 + 3 * HOUR).watching).toBe(false);
  });
});
