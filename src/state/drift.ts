/**
 * Drift: the recorded migration state against its other witnesses — the audit trail, the live app
 * instances (each remembers the version and epoch it applied) and the dotenv sink. A store wiped by
 * a Redis restart without persistence shows up as an empty state that its witnesses contradict.
 * Pure; `readDriftInput` gathers the inputs.
 */
import type { AuditEntry } from './audit.js';
import type { InstanceView } from './instances.js';
import type { FlagState } from './model.js';

export interface DriftInput {
  state: FlagState;
  /** The raw state hash (field → value). */
  hash: Record<string, string>;
  /** The newest audit entry that carries a version (a flip, forced flip or rollback), or null. */
  lastChange: AuditEntry | null;
  instances: InstanceView[];
  /** Null when the plan has no dotenv sink; `values: null` when its file is missing. */
  dotenv: { path: string; values: Record<string, string> | null } | null;
  /** What the dotenv sink should hold for the current state (plan's flag names → values). */
  expectedSink: Record<string, string>;
}

export interface DriftFinding {
  /** `plan`: the state names a tier the plan does not have. */
  source: 'audit' | 'instances' | 'dotenv' | 'plan';
  message: string;
}

export interface DriftReport {
  ok: boolean;
  /** The store looks wiped: empty, while a witness remembers changes. */
  wiped: boolean;
  findings: DriftFinding[];
}

export function driftFindings(input: DriftInput): DriftReport {
  const findings: DriftFinding[] = [];
  const { state } = input;
  const empty = state.version === 0;

  if (input.lastChange && input.lastChange.version !== null) {
    const last = input.lastChange;
    if (empty) {
      findings.push({ source: 'audit', message: `the state is empty but the audit trail records version ${last.version} (${last.command}, ${new Date(last.time).toISOString()})` });
    } else if (last.version !== state.version) {
      findings.push({ source: 'audit', message: `the state is at version ${state.version} but the newest audit entry records version ${last.version}` });
    } else {
      const differing = Object.entries(last.after).filter(([field, value]) => (input.hash[field] ?? '') !== value && !(field.endsWith(':queues') && value === ''));
      for (const [field, value] of differing) {
        findings.push({ source: 'audit', message: `${field} is "${input.hash[field] ?? ''}" but version ${last.version} set it to "${value}"` });
      }
    }
  }

  const live = input.instances.filter((instance) => instance.live && instance.version > 0);
  if (empty && live.length) {
    const newest = Math.max(...live.map((instance) => instance.version));
    findings.push({ source: 'instances', message: `the state is empty but ${live.length} live app instance(s) applied version ${newest} before` });
  } else if (!empty) {
    const ahead = live.filter((instance) => instance.epoch === state.epoch && instance.version > state.version);
    if (ahead.length) findings.push({ source: 'instances', message: `${ahead.length} live app instance(s) applied a version newer than the state's ${state.version}: the state was restored from an older copy` });
    const foreign = live.filter((instance) => instance.epoch !== state.epoch);
    if (foreign.length) findings.push({ source: 'instances', message: `${foreign.length} live app instance(s) follow a state that no longer exists (another epoch); they switch at the next change` });
  }

  if (input.dotenv) {
    const { path, values } = input.dotenv;
    if (values === null) {
      if (!empty) findings.push({ source: 'dotenv', message: `the dotenv sink ${path} is missing` });
    } else {
      for (const [name, expected] of Object.entries(input.expectedSink)) {
        const actual = values[name];
        if (actual === expected) continue;
        // An empty store and a sink that says nothing was flipped (or was never written) agree.
        if (empty && (actual === undefined || actual === '' || actual === 'false')) continue;
        findings.push({ source: 'dotenv', message: `${path}: ${name}=${actual ?? '(missing)'} but the state says ${name}=${expected}` });
      }
    }
  }

  const wiped = empty && findings.length > 0;
  return { ok: findings.length === 0, wiped, findings };
}

export function driftFix(report: DriftReport): string {
  if (report.wiped) {
    return 'Redis lost the migration state (restarted without persistence?): turn persistence on (see redis.persistence), then re-apply the intended flags with phase1/phase2 or rollback';
  }
  return 'find out who changed what (redis-migrate audit), then re-apply the intended flags with phase1/phase2 or rollback so state, audit and sinks agree';
}
