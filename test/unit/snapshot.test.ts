import { describe, expect, it } from 'vitest';
import { DEFAULT_FLAG_NAMES, isNewer, queueOnBullmq, snapshotFromEnv, snapshotFromState, httpRedisOn } from '../../src/flags/snapshot.js';
import { parseStateHash } from '../../src/state/model.js';

const tiers = { 'non-critical': ['webhook-health-check'], medium: ['adaptive-sync'], critical: ['token-refresh'] };
const names = DEFAULT_FLAG_NAMES;

function state(fields: Record<string, string>) {
  return snapshotFromState(parseStateHash({ epoch: 'e1', version: '3', ...fields }), tiers);
}

describe('flag decisions', () => {
  it('a queue is on BullMQ only when its tier is and the master switch is on', () => {
    const on = state({ useBullmq: 'true', 'tier:non-critical': 'bullmq', 'tier:non-critical:queues': 'webhook-health-check' });
    expect(queueOnBullmq(on, 'webhook-health-check', {}, names)).toBe(true);
    expect(queueOnBullmq(on, 'adaptive-sync', {}, names)).toBe(false);
    expect(queueOnBullmq(on, 'unknown-queue', {}, names)).toBe(false);
    const masterOff = state({ useBullmq: 'false', 'tier:non-critical': 'bullmq' });
    expect(queueOnBullmq(masterOff, 'webhook-health-check', {}, names)).toBe(false);
  });

  it('the kill switch USE_BULLMQ=false in the environment wins over the store', () => {
    const on = state({ useBullmq: 'true', 'tier:non-critical': 'bullmq' });
    expect(queueOnBullmq(on, 'webhook-health-check', { USE_BULLMQ: 'false' }, names)).toBe(false);
    expect(queueOnBullmq(on, 'webhook-health-check', { USE_BULLMQ: '0' }, names)).toBe(false);
    expect(queueOnBullmq(on, 'webhook-health-check', { USE_BULLMQ: 'true' }, names)).toBe(true);
    const http = state({ useHttpRedis: 'true' });
    expect(httpRedisOn(http, {}, names)).toBe(true);
    expect(httpRedisOn(http, { USE_HTTP_REDIS: 'false' }, names)).toBe(false);
  });

  it('queue lists recorded with a flip override the app mapping', () => {
    const moved = state({ useBullmq: 'true', 'tier:medium': 'bullmq', 'tier:medium:queues': 'adaptive-sync,token-refresh' });
    expect(queueOnBullmq(moved, 'token-refresh', {}, names)).toBe(true);
  });

  it('environment values stand in when the store is unreachable', () => {
    const env = { USE_BULLMQ: 'true', BULLMQ_TIERS: 'non-critical, medium', USE_HTTP_REDIS: 'yes' };
    const snapshot = snapshotFromEnv(env, names, tiers);
    expect(snapshot.version).toBe(0);
    expect(queueOnBullmq(snapshot, 'adaptive-sync', env, names)).toBe(true);
    expect(queueOnBullmq(snapshot, 'token-refresh', env, names)).toBe(false);
    expect(httpRedisOn(snapshot, env, names)).toBe(true);
  });

  it('applies newer versions and any version of a rebuilt store (new epoch), never an empty store', () => {
    const current = state({ useBullmq: 'true' });
    expect(isNewer(current, snapshotFromState(parseStateHash({ epoch: 'e1', version: '4' }), tiers))).toBe(true);
    expect(isNewer(current, snapshotFromState(parseStateHash({ epoch: 'e1', version: '3' }), tiers))).toBe(false);
    expect(isNewer(current, snapshotFromState(parseStateHash({ epoch: 'e2', version: '1' }), tiers))).toBe(true);
    expect(isNewer(current, snapshotFromState(parseStateHash({}), tiers))).toBe(false);
  });
});
