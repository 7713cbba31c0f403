/**
 * What a plain `preflight` (no --phase, no --tier: what CI runs) leaves out: the checks of a phase
 * the setup has not configured yet, each skipped with the reason. A phase asked for by name is
 * always checked. Pure.
 */
import type { Plan } from '../plan/schema.js';
import { resolveHttpTarget } from './http/target.js';
import { skip } from './support.js';
import type { Check, PhaseNumber } from './types.js';

export type PhaseSkips = Partial<Record<PhaseNumber, string>>;

/** Phase 1 is not configured when neither a REST URL nor its token is set (half of them is a mistake, checked). */
export function unconfiguredPhases(plan: Plan, env: Record<string, string | undefined>): PhaseSkips {
  const target = resolveHttpTarget(plan, env);
  if (target.url || target.token) return {};
  return { 1: `phase 1 is not configured (no UPSTASH_REDIS_REST_URL or http.url, no ${target.tokenEnv}); \`preflight --phase 1\` checks it` };
}

/** The checks, with each one whose phases are all left out replaced by a skip that says why. */
export function skipUnconfigured(checks: readonly Check[], skips: PhaseSkips): Check[] {
  return checks.map((check) => {
    const reasons = check.phases.map((phase) => skips[phase]);
    const reason = reasons[0];
    if (reason === undefined || reasons.some((other) => other === undefined)) return check;
    return { ...check, run: async () => skip(`skipped: ${reason}`) };
  });
}
