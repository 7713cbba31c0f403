import { describe, expect, it } from 'vitest';
import { rollbackAllQueues } from '../../phases/phase2.js';
import { defaultPlan } from '../../src/plan/default-plan.js';
import { diffChanges, movesText, parseStateHash, stateWith, tierMoves, ungatedMoves } from '../../src/state/model.js';

const ORDER = ['non-critical', 'medium', 'critical'];

describe('tier moves', () => {
  const onBoth = { useBullmq: 'true', 'tier:non-critical': 'bullmq', 'tier:critical': 'bullmq' };

  it('the master switch moves every tier recorded on BullMQ', () => {
    const latent = { ...onBoth, useBullmq: 'false' };
    expect(tierMoves(parseStateHash(latent), stateWith(latent, { useBullmq: 'true', 'tier:non-critical': 'bullmq' }), ORDER)).toEqual([
      { tier: 'non-critical', from: 'legacy', to: 'bullmq' },
      { tier: 'critical', from: 'legacy', to: 'bullmq' },
    ]);
    expect(tierMoves(parseStateHash(onBoth), stateWith(onBoth, { useBullmq: 'false' }), ORDER).map((move) => move.to)).toEqual(['legacy', 'legacy']);
  });

  it('a tier flipped while the switch is on moves alone; phase 1 moves no tier', () => {
    const hash = { useBullmq: 'true', 'tier:non-critical': 'bullmq' };
    expect(tierMoves(parseStateHash(hash), stateWith(hash, { 'tier:medium': 'bullmq' }), ORDER)).toEqual([{ tier: 'medium', from: 'legacy', to: 'bullmq' }]);
    expect(tierMoves(parseStateHash(hash), stateWith(hash, { useHttpRedis: 'true' }), ORDER)).toEqual([]);
  });

  it('only the gated tier may go to BullMQ; going to legacy never needs a gate', () => {
    const moves = [
      { tier: 'non-critical', from: 'legacy', to: 'bullmq' },
      { tier: 'critical', from: 'legacy', to: 'bullmq' },
      { tier: 'medium', from: 'bullmq', to: 'legacy' },
    ] as const;
    expect(ungatedMoves(moves, ['non-critical'])).toEqual(['critical']);
    expect(ungatedMoves(moves, ['non-critical', 'critical'])).toEqual([]);
    expect(ungatedMoves(moves.slice(2), [])).toEqual([]);
  });

  it('the default rollback turns the switch off and every recorded tier back to legacy, so nothing is left to come back', () => {
    const changes = rollbackAllQueues(defaultPlan(), parseStateHash(onBoth));
    expect(changes).toEqual({ useBullmq: 'false', 'tier:non-critical': 'legacy', 'tier:critical': 'legacy' });
    const after = stateWith(onBoth, changes);
    // A later phase2 --tier non-critical moves that tier only.
    expect(tierMoves(after, stateWith({ ...onBoth, ...changes }, { useBullmq: 'true', 'tier:non-critical': 'bullmq' }), ORDER)).toEqual([
      { tier: 'non-critical', from: 'legacy', to: 'bullmq' },
    ]);
    // Idempotent: a second rollback changes nothing.
    expect(diffChanges({ ...onBoth, ...changes }, rollbackAllQueues(defaultPlan(), after))).toEqual({});
  });

  it('names the moves grouped by where they go', () => {
    expect(
      movesText([
        { tier: 'non-critical', to: 'legacy' },
        { tier: 'critical', to: 'legacy' },
        { tier: 'medium', to: 'bullmq' },
      ]),
    ).toBe('non-critical, critical → legacy; medium → BullMQ');
  });
});
