/**
 * The soak gate with what the monitor measured: the time-based gate (src/state/soak.ts) and, on
 * top, no threshold breach recorded by `monitor` during the previous tier's current soak (and,
 * when the plan asks for it, the monitor watched it healthy for the whole window). Used by
 * `phase2` and the `gate.soak` check alike. Pure.
 */
import { formatDuration } from '../plan/duration.js';
import type { Plan } from '../plan/schema.js';
import { effectiveSince, type FlagState } from './model.js';
import { evaluateSoakGate, soakProgress } from './soak.js';
import type { TierSoakHealth } from './soak-health.js';

export interface MonitoredSoakGate {
  open: boolean;
  previous: string | null;
  reason?: 'previous-not-on-bullmq' | 'previous-soaking' | 'previous-breached' | 'previous-unmonitored';
  remainingMs?: number;
  message?: string;
  /** What the monitor recorded for the previous tier's current soak, if anything. */
  monitored: { healthyMs: number; breachAt: number | null; breach: string | null } | null;
}

export function evaluateMonitoredSoakGate(
  plan: Plan,
  state: FlagState,
  tierName: string,
  now: number,
  health: Record<string, TierSoakHealth>,
): MonitoredSoakGate {
  const base = evaluateSoakGate(plan, state, tierName, now);
  if (base.previous === null) return { open: true, previous: null, monitored: null };
  const since = effectiveSince(state, base.previous);
  const record = health[base.previous];
  const current = record && since !== null && record.since === since ? record : null;
  const monitored = current ? { healthyMs: current.healthyMs, breachAt: current.breachAt, breach: current.breach } : null;
  if (!base.open) return { ...base, monitored };

  if (current?.breachAt != null) {
    return {
      open: false,
      previous: base.previous,
      reason: 'previous-breached',
      remainingMs: 0,
      message: `monitor recorded a threshold breach on tier "${base.previous}" at ${new Date(current.breachAt).toISOString()} (${current.breach ?? 'see the audit'}); roll back, fix it and flip it again to restart its soak`,
      monitored,
    };
  }
  if (plan.monitor.requireHealthySoak) {
    const tier = plan.tiers.find((entry) => entry.name === base.previous);
    const required = tier ? soakProgress(tier, state, now).requiredMs : 0;
    const healthy = current?.healthyMs ?? 0;
    if (healthy < required) {
      return {
        open: false,
        previous: base.previous,
        reason: 'previous-unmonitored',
        remainingMs: required - healthy,
        message: `the monitor has watched tier "${base.previous}" healthy for ${formatDuration(healthy)} of ${tier?.soak}; run \`redis-migrate monitor\` during the soak (monitor.requireHealthySoak)`,
        monitored,
      };
    }
  }
  return { open: true, previous: base.previous, monitored };
}
