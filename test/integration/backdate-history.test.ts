/**
 * The test-only backdating helper tells the same story the tool would have written had the time
 * really passed: gates open, drift finds nothing, the monitor's record still belongs to the soak.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Redis } from 'ioredis';
import { defaultPlan } from '../../src/plan/default-plan.js';
import { serverTimeMs } from '../../src/redis/client.js';
import { appendAudit, readWholeAudit } from '../../src/state/audit.js';
import { applyFlagChange, readState } from '../../src/state/flag-store.js';
import { stateKeys } from '../../src/state/keys.js';
import { readDrift } from '../../src/state/read-drift.js';
import { evaluateMonitoredSoakGate } from '../../src/state/soak-gate.js';
import { readSoakHealth, recordSoakSample } from '../../src/state/soak-health.js';
import { uniqueNamespace } from '../support/cli.js';
import { backdateHistory } from '../support/history.js';

const DAY = 86_400_000;
const plan = defaultPlan(); // soaks 24h, 24h, 26h
let client: Redis;

beforeAll(() => {
  client = new Redis(inject('redisUrl'), { protocol: 2 });
});
afterAll(async () => {
  await client.quit();
});

function shiftId(id: string, ms: number): string {
  const [time, seq] = id.split('-');
  return `${Number(time) - ms}-${seq}`;
}

describe('backdateHistory (test support)', () => {
  it('moves clocks, audit entries and soak records together: the gate opens and nothing is drift', async () => {
    const keys = stateKeys(uniqueNamespace('backdate'));
    const flip = await applyFlagChange(client, keys, {
      changes: { useBullmq: 'true', 'tier:non-critical': 'bullmq' },
      actor: 'tester',
      command: 'phase2 --tier non-critical',
      kind: 'flip',
    });
    await appendAudit(client, keys, { kind: 'note', actor: 'tester', command: 'a note, not a change' });
    const sample = { maxGapMs: 60_000, tiers: [{ tier: 'non-critical', since: flip.time, breach: null }] };
    await recordSoakSample(client, keys, { ...sample, at: flip.time + 1000 });
    await recordSoakSample(client, keys, { ...sample, at: flip.time + 3000 });
    const before = await readWholeAudit(client, keys);
    const gateNow = async () =>
      evaluateMonitoredSoakGate(plan, (await readState(client, keys)).state, 'medium', await serverTimeMs(client), await readSoakHealth(client, keys));
    expect(await gateNow()).toMatchObject({ open: false, reason: 'previous-soaking' });

    expect(await backdateHistory(client, keys, '24h')).toBe(2);

    const { state } = await readState(client, keys);
    expect(state).toMatchObject({
      version: 1,
      useBullmqSince: flip.time - DAY,
      updatedAt: flip.time - DAY,
      tiers: { 'non-critical': { since: flip.time - DAY } },
    });
    const after = await readWholeAudit(client, keys);
    expect(after).toEqual(before.map((entry) => ({ ...entry, id: shiftId(entry.id, DAY), time: entry.time - DAY })));
    expect(await readSoakHealth(client, keys)).toEqual({
      'non-critical': { since: flip.time - DAY, healthyMs: 2000, breachAt: null, breach: null, restarts: 0 },
    });
    expect(await gateNow()).toMatchObject({ open: true, previous: 'non-critical', monitored: { healthyMs: 2000 } });
    expect(await readDrift(client, keys, plan, process.cwd())).toEqual({ ok: true, wiped: false, findings: [] });

    // A monitor resuming now sees the same soak (no restart) and counts none of the skipped day as watched.
    const now = await serverTimeMs(client);
    await recordSoakSample(client, keys, { maxGapMs: 60_000, at: now, tiers: [{ tier: 'non-critical', since: flip.time - DAY, breach: null }] });
    expect((await readSoakHealth(client, keys))['non-critical']).toMatchObject({ healthyMs: 2000, restarts: 0 });

    // The tool's next change lands after the moved history, and the whole trail still explains the state.
    await applyFlagChange(client, keys, { changes: { 'tier:medium': 'bullmq' }, actor: 'tester', command: 'phase2 --tier medium', kind: 'flip' });
    const trail = await readWholeAudit(client, keys);
    expect(trail.map((entry) => entry.version)).toEqual([1, null, 2]);
    expect(trail[2]!.time).toBeGreaterThan(trail[0]!.time + DAY - 1);
    expect(await readDrift(client, keys, plan, process.cwd())).toMatchObject({ ok: true });
  });

  it('refuses a duration that is not a positive one', async () => {
    const keys = stateKeys(uniqueNamespace('backdate'));
    await expect(backdateHistory(client, keys, 'a day')).rejects.toThrow('backdateHistory: expected a positive duration, got a day');
    await expect(backdateHistory(client, keys, 0)).rejects.toThrow(/positive duration/);
  });
});
