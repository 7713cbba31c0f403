/**
 * Drift: the recorded migration state against its other witnesses — the audit trail, the live app
 * instances (each remembers the version and epoch it applied) and the dotenv sink. A store wiped by
 * a Redis restart without persistence shows up as an empty state that its witnesses contradict;
 * a field written straight into Redis shows up as a value no audit entry explains.
 * Pure; `readDrift` gathers the inputs.
 */
import type { AuditEntry } from './audit.js';
import type { InstanceView } from './instances.js';
import { FIELD, fieldDefault, hasSince, type FlagState } from './model.js';

export interface DriftInput {
  state: FlagState;
  /** The raw state hash (field → value). */
  hash: Record<string, string>;
  /** Every audit entry that carries a version (flips, forced flips, rollbacks), oldest first. */
  changes: AuditEntry[];
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

/** What the audit trail says a field holds: the value, and the version and time that set it. */
export interface ExplainedField {
  value: string;
  version: number;
  time: number;
}

/**
 * Replay the changes: each field's value as its last change left it. A version that does not go up
 * means the state was rebuilt (wiped, then flipped again): what came before explains nothing now.
 */
export function explainedFields(changes: readonly AuditEntry[]): Map<string, ExplainedField> {
  let fields = new Map<string, ExplainedField>();
  let previous = 0;
  for (const change of changes) {
    if (change.version === null) continue;
    if (change.version <= previous) fields = new Map();
    previous = change.version;
    for (const [field, value] of Object.entries(change.after)) fields.set(field, { value, version: change.version, time: change.time });
  }
  return fields;
}

/** Fields that hold migration state (not the bookkeeping the flip script writes with every change). */
function isStateField(field: string): boolean {
  return field === FIELD.useBullmq || field === FIELD.useHttpRedis || /^tier:[^:]+(:queues)?$/.test(field);
}

/** Every state field, and every soak clock, that the audit trail does not explain. */
function unexplained(hash: Record<string, string>, explained: Map<string, ExplainedField>): DriftFinding[] {
  const findings: DriftFinding[] = [];
  const fields = [...new Set([...Object.keys(hash), ...explained.keys()])].filter(isStateField).sort();
  for (const field of fields) {
    const actual = hash[field] ?? fieldDefault(field);
    const why = explained.get(field);
    if (!why) {
      if (actual !== fieldDefault(field)) findings.push({ source: 'audit', message: `${field} is "${actual}" but no audit entry set it` });
    } else if (actual !== why.value) {
      findings.push({ source: 'audit', message: `${field} is "${actual}" but version ${why.version} set it to "${why.value}"` });
    }
    const since = FIELD.since(field);
    if (!hasSince(field) || hash[since] === undefined) continue;
    // The flip script stamps a field's clock with its audit entry's time: another value was written by hand.
    if (!why) findings.push({ source: 'audit', message: `${since} is "${hash[since]}" but no audit entry changed ${field}` });
    else if (hash[since] !== String(why.time))
      findings.push({ source: 'audit', message: `${since} is "${hash[since]}" but version ${why.version} changed ${field} at ${why.time}` });
  }
  return findings;
}

export function driftFindings(input: DriftInput): DriftReport {
  const findings: DriftFinding[] = [];
  const { state } = input;
  const empty = state.version === 0;
  const last = input.changes.at(-1);
  let tampered: DriftFinding[] = [];

  if (last && last.version !== null) {
    if (empty) {
      findings.push({
        source: 'audit',
        message: `the state is empty but the audit trail records version ${last.version} (${last.command}, ${new Date(last.time).toISOString()})`,
      });
    } else if (last.version !== state.version) {
      findings.push({ source: 'audit', message: `the state is at version ${state.version} but the newest audit entry records version ${last.version}` });
    } else {
      tampered = unexplained(input.hash, explainedFields(input.changes));
    }
  } else {
    // Never changed through the tool: any state at all was written by hand.
    tampered = unexplained(input.hash, new Map());
  }

  const live = input.instances.filter((instance) => instance.live && instance.version > 0);
  if (empty && live.length) {
    const newest = Math.max(...live.map((instance) => instance.version));
    findings.push({ source: 'instances', message: `the state is empty but ${live.length} live app instance(s) applied version ${newest} before` });
  } else if (!empty) {
    const ahead = live.filter((instance) => instance.epoch === state.epoch && instance.version > state.version);
    if (ahead.length)
      findings.push({
        source: 'instances',
        message: `${ahead.length} live app instance(s) applied a version newer than the state's ${state.version}: the state was restored from an older copy`,
      });
    const foreign = live.filter((instance) => instance.epoch !== state.epoch);
    if (foreign.length)
      findings.push({
        source: 'instances',
        message: `${foreign.length} live app instance(s) follow a state that no longer exists (another epoch); they switch at the next change`,
      });
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

  // Wiped: an empty store its witnesses remember; fields written by hand into it are another matter.
  const wiped = empty && findings.length > 0;
  findings.push(...tampered);
  return { ok: findings.length === 0, wiped, findings };
}

export function driftFix(report: DriftReport): string {
  if (report.wiped) {
    return 'Redis lost the migration state (restarted without persistence?): turn persistence on (see redis.persistence), then re-apply the intended flags with phase1/phase2 or rollback';
  }
  return 'find out who changed what (redis-migrate audit), then re-apply the intended flags with phase1/phase2 or rollback so state, audit and sinks agree';
}
