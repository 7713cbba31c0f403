/**
 * A refused change, with every cause at once: the soak gate is closed, preflight checks fail, the
 * change would put tiers on BullMQ without their own gate. Nothing is changed. The CLI reports it
 * as the error `change.blocked` (exit 3) carrying these causes; the human output shows them all.
 */
import type { CheckResult } from '../checks/types.js';
import { CheckFailedError } from '../errors.js';

export interface GateVerdict {
  open: boolean;
  message?: string;
  /** Why it is closed, when the gate says (e.g. "previous-breached"). */
  reason?: string;
  remainingMs?: number;
  previous?: string | null;
}

export interface Blocked {
  /** The soak gate, when it is closed and not passed with --force; null otherwise (or no gate). */
  gate: GateVerdict | null;
  /** The failing preflight checks not passed with --force. */
  checks: CheckResult[];
  /** Tiers the change would put on BullMQ without their own checks and gate; --force never passes these. */
  ungatedTiers: string[];
}

/** The causes, one phrase each, in the order an operator deals with them. */
export function blockedCauses(blocked: Blocked): string[] {
  const causes: string[] = [];
  if (blocked.ungatedTiers.length) {
    causes.push(
      `it would also put tier(s) ${blocked.ungatedTiers.join(', ')} on BullMQ without their own checks and gate (recorded on BullMQ while the master switch was off)`,
    );
  }
  if (blocked.gate) causes.push(`gate closed: ${blocked.gate.message ?? 'the previous tier has not soaked'}`);
  if (blocked.checks.length) causes.push(`${blocked.checks.length} failing preflight check(s): ${blocked.checks.map((check) => check.id).join(', ')}`);
  return causes;
}

export function blockedFix(blocked: Blocked): string {
  const fixes: string[] = [];
  if (blocked.ungatedTiers.length) {
    fixes.push('run `redis-migrate rollback` (it returns every tier to legacy), then `redis-migrate phase2 --tier T` for each tier you want back, in order');
  }
  if (blocked.gate) {
    fixes.push(
      blocked.gate.reason === 'previous-breached'
        ? 'roll back, fix the cause and flip the previous tier again to restart its soak'
        : 'wait for the soak window to pass (see `redis-migrate status`)',
    );
  }
  if (blocked.checks.length) fixes.push('make the failing checks pass (each says how; `redis-migrate preflight` runs them alone)');
  const text = fixes.join('; ');
  return blocked.ungatedTiers.length ? text : `${text}; or pass with --force --reason "..." (audited)`;
}

/**
 * The refusal as the error the CLI prints under --json: every cause in `details.blocked`, the tiers
 * that would have moved, and every check that ran (warnings included), when the command ran checks.
 */
export function changeBlockedError(refused: { command: string; blocked: Blocked; moved: unknown[]; checks?: CheckResult[] }): CheckFailedError {
  const { command, blocked, moved, checks } = refused;
  return new CheckFailedError('change.blocked', `${command}: refused, nothing was changed: ${blockedCauses(blocked).join('; ')}`, {
    fix: blockedFix(blocked),
    details: { blocked, moved, ...(checks ? { checks } : {}) },
  });
}
