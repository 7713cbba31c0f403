/** flags.drift and gate.soak: the migration state agrees with its witnesses, and the previous tier has soaked. */
import { formatDuration } from '../plan/duration.js';
import { serverTimeMs } from '../redis/client.js';
import { driftFix, type DriftReport } from '../state/drift.js';
import { readState } from '../state/flag-store.js';
import { readDrift } from '../state/read-drift.js';
import { evaluateMonitoredSoakGate, type MonitoredSoakGate } from '../state/soak-gate.js';
import { readSoakHealth } from '../state/soak-health.js';
import { fail, pass, skip, withRedis, type Verdict } from './support.js';
import type { Check } from './types.js';

export function driftRule(report: DriftReport): Verdict {
  if (report.ok) return pass('state, audit trail, app instances and sinks agree');
  const message = `${report.wiped ? 'the migration state was wiped: ' : ''}${report.findings.map((finding) => finding.message).join('; ')}`;
  return fail(message, driftFix(report), { wiped: report.wiped, findings: report.findings });
}

export function soakGateRule(gate: MonitoredSoakGate, tier: string): Verdict {
  const monitored = gate.monitored;
  const watched = monitored ? `; monitored healthy ${formatDuration(monitored.healthyMs)}` : '; not monitored';
  const data = { previous: gate.previous, reason: gate.reason ?? null, remainingMs: gate.remainingMs ?? 0, monitored };
  if (gate.previous === null) return pass(`tier ${tier} is the first tier: no gate`, data);
  if (!gate.open)
    return fail(
      gate.message ?? 'gate closed',
      gate.reason === 'previous-breached'
        ? 'roll back, fix the cause, flip the previous tier again; or pass with phase2 --force --reason'
        : 'wait for the soak (redis-migrate status), or pass with phase2 --force --reason',
      data,
    );
  return pass(`tier ${gate.previous} has soaked its window without a recorded breach${watched}`, data);
}

export const driftCheck: Check = {
  id: 'flags.drift',
  title: 'state matches audit and sinks',
  phases: [1, 2, 3],
  run: (ctx) => withRedis(ctx, async (redis) => driftRule(await readDrift(redis, ctx.keys, ctx.plan, ctx.cwd ?? process.cwd()))),
};

export const soakGateCheck: Check = {
  id: 'gate.soak',
  title: 'previous tier soaked, no breach',
  phases: [2],
  async run(ctx) {
    if (!ctx.tier) return skip('give --tier to check the gate of that tier');
    const tier = ctx.tier;
    return withRedis(ctx, async (redis) => {
      const [{ state }, health, now] = await Promise.all([readState(redis, ctx.keys), readSoakHealth(redis, ctx.keys), serverTimeMs(redis)]);
      return soakGateRule(evaluateMonitoredSoakGate(ctx.plan, state, tier, now, health), tier);
    });
  },
};
