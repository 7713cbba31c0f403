/**
 * The check catalogue, and the one source of what gates each phase: a check's `phases` decide which
 * `preflight --phase N` and which phase command run it, and `plan` (through phases/) shows it. To add
 * a check: write it in its own file (a `Check` with its id, phases and a `run` that reads, plus a
 * pure rule), then add it to CHECKS below. Order matters: it is the order of the report, and the
 * connection checks come first.
 */
import { clusterHashtagCheck, prefixCollisionCheck } from './bullmq-keys.js';
import { codeLegacyUsageCheck } from './code-legacy-usage.js';
import { httpChecks } from './http/index.js';
import { backlogCheck, repeatablesCheck } from './legacy-queues.js';
import { authCheck, reachableCheck, tlsCheck } from './redis-connection.js';
import { maxclientsCheck } from './redis-maxclients.js';
import { evictionCheck, persistenceCheck, versionCheck } from './redis-server.js';
import { driftCheck, soakGateCheck } from './state-checks.js';
import type { Check, PhaseNumber } from './types.js';

export const CHECKS: readonly Check[] = [
  reachableCheck,
  authCheck,
  tlsCheck,
  versionCheck,
  evictionCheck,
  persistenceCheck,
  maxclientsCheck,
  prefixCollisionCheck,
  clusterHashtagCheck,
  backlogCheck,
  repeatablesCheck,
  driftCheck,
  soakGateCheck,
  codeLegacyUsageCheck,
  // Phase 1: the HTTP Redis (their own order: later ones skip when the endpoint cannot be used).
  ...httpChecks,
];

/** The checks of one phase, or every check when no phase is given (a tier implies phase 2). */
export function selectChecks(options: { phase?: PhaseNumber | undefined; tier?: string | undefined }, catalogue: readonly Check[] = CHECKS): Check[] {
  const phase = options.phase ?? (options.tier ? 2 : undefined);
  return catalogue.filter((check) => phase === undefined || check.phases.includes(phase));
}

/** Ids of the checks of one phase, in report order: what its preflight and its gate run. */
export function checkIdsOf(phase: PhaseNumber, catalogue: readonly Check[] = CHECKS): string[] {
  return selectChecks({ phase }, catalogue).map((check) => check.id);
}
