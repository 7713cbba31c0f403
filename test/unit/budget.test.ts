import { describe, expect, it } from 'vitest';
import { connectionBudget, currentBudgetStep } from '../../src/plan/budget.js';
import { defaultPlan, defaultPlanDocument } from '../../src/plan/default-plan.js';
import { validatePlan } from '../../src/plan/schema.js';

function planWith(extra: Record<string, unknown>) {
  const result = validatePlan({ ...defaultPlanDocument(), ...extra });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.plan;
}

describe('connectionBudget', () => {
  it('default topology: the measured numbers, step by step', () => {
    const budget = connectionBudget(defaultPlan());
    const steps = Object.fromEntries(budget.steps.map((step) => [step.id, [step.steady, step.peak]]));
    expect(steps).toEqual({
      legacy: [40, 40], // 33 Bull + 5 phase-1 ioredis + 2 flags SDK
      phase1: [35, 35],
      'phase2:non-critical': [30, 39], // 8×3 + (1 + 3) + 2; peak keeps the 3 Bull workers draining
      'phase2:medium': [20, 35],
      'phase2:critical': [14, 23],
      final: [12, 12], // 1 shared + 11 Workers
    });
    expect(budget.target).toBe(3);
    expect(budget.reachable).toBe(false);
    expect(budget.alternatives).toEqual([
      expect.objectContaining({ final: 4, reachesTarget: false }), // one queue per tier: 1 + 3
      expect.objectContaining({ final: 2, reachesTarget: true }), // everything in one queue
      expect.objectContaining({ final: 13, reachesTarget: false }), // producers 1 + worker process 12
    ]);
    expect(budget.notes.join(' ')).toMatch(/1-3 connections.*producer-only.*merged/);
  });

  it('QueueEvents, per-instance connections, replicas and producer-only processes', () => {
    const plan = planWith({
      topology: {
        processes: [
          { name: 'api', replicas: 3, workers: 'none', produces: 'all' },
          { name: 'worker', replicas: 2, queueEvents: 'all', connections: { flagsSdk: 1 } },
          {
            name: 'naive',
            workers: ['calendar-sync'],
            produces: ['calendar-sync'],
            bullmqConnection: 'per-instance',
            legacyConnection: 'shared',
            connections: { flagsSdk: 0 },
          },
        ],
      },
      target: {},
    });
    const budget = connectionBudget(plan);
    const final = budget.steps.find((step) => step.id === 'final')!;
    expect(final.processes.map((p) => [p.process, p.perReplica, p.total])).toEqual([
      ['api', 1, 3],
      ['worker', 23, 46],
      ['naive', 3, 3],
    ]);
    const legacy = budget.steps[0]!;
    // api: 11 produced-only Bull queues + SDK 2; worker: 33 + SDK 1; naive: createClient sharing 2 + 1.
    expect(legacy.processes.map((p) => p.perReplica)).toEqual([13, 34, 3]);
    expect(budget.reachable).toBeNull();
  });

  it('merged queues: one BullMQ queue per tier', () => {
    const budget = connectionBudget(planWith({ topology: { merge: 'tier' } }));
    expect(budget.final).toBe(4);
    expect(budget.steps.find((step) => step.id === 'phase2:non-critical')?.steady).toBe(24 + 2 + 2);
  });

  it('finds the step the migration is at', () => {
    const budget = connectionBudget(defaultPlan());
    expect(currentBudgetStep(budget, { useHttpRedis: false, bullmqTiers: [] }).id).toBe('legacy');
    expect(currentBudgetStep(budget, { useHttpRedis: true, bullmqTiers: [] }).id).toBe('phase1');
    expect(currentBudgetStep(budget, { useHttpRedis: true, bullmqTiers: ['non-critical', 'medium'] }).id).toBe('phase2:medium');
  });

  it('rejects topology queues that are in no tier', () => {
    const result = validatePlan({ ...defaultPlanDocument(), topology: { processes: [{ name: 'w', workers: ['nope'] }] } });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues[0]).toEqual({ path: 'topology.processes[0].workers[0]', message: 'queue "nope" is not in any tier' });
  });
});

describe('a flags SDK on the shared BullMQ connection', () => {
  it('keeps that connection open from the start and counts only the subscriber', () => {
    const budget = connectionBudget(planWith({ topology: { processes: [{ name: 'app', connections: { phase1: 3, flagsSdk: 1, flagsSdkOnBullmq: true } }] } }));
    const steps = Object.fromEntries(budget.steps.map((step) => [step.id, step.steady]));
    // 33 Bull + 1 shared (the SDK's commands) + 3 phase-1 + 1 subscriber: what the reference fleet measures.
    expect(steps).toEqual({ legacy: 38, phase1: 35, 'phase2:non-critical': 29, 'phase2:medium': 19, 'phase2:critical': 13, final: 12 });
  });
});

describe('a process on the queues adapter (redis-migrate/queues)', () => {
  it("counts the adapter's shared connection from the start, beside the SDK's own two", () => {
    const budget = connectionBudget(planWith({ topology: { processes: [{ name: 'app', connections: { flagsSdk: 2, queuesAdapter: true } }] } }));
    const steps = Object.fromEntries(budget.steps.map((step) => [step.id, step.steady]));
    // 33 Bull + 1 shared + 2 SDK before any flip; at the end the adapter and the SDK are gone: 1 + 11 Workers.
    expect(steps).toEqual({ legacy: 36, phase1: 36, 'phase2:non-critical': 30, 'phase2:medium': 20, 'phase2:critical': 14, final: 12 });
  });
});
