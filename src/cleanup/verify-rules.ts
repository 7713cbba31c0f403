/**
 * The end state of the migration, checked by `phase3 verify` (phase 3 lives in src/cleanup). Pure:
 * every reading comes in as data, each rule returns a check result (pass / warn / fail / skip with
 * the numbers and a fix).
 */
import type { CheckResult } from '../checks/types.js';
import type { TierEligibility } from './eligibility.js';
import type { Plan } from '../plan/schema.js';
import type { AuditEntry } from '../state/audit.js';
import type { FlagState } from '../state/model.js';

export interface VerifyInput {
  plan: Plan;
  state: FlagState;
  /** The state hash as stored (to compare with a replay of the audit). */
  stateHash: Record<string, string>;
  tiers: readonly TierEligibility[];
  legacyKeys: { total: number; byQueue: Record<string, number> };
  legacyConnections: { total: number; byRole: Record<string, number>; queues: string[] };
  /** App connections (this tool's own excluded). */
  connections: number;
  /** Server-side commands per minute over the window, this tool's own excluded; null if not measured. */
  idle: { perMinute: number | null; windowMs: number };
  targets: { connections: number | null; idleCommandsPerMinute: number | null };
  /** The dotenv sink as read now (null: the plan has none). */
  dotenv: { path: string; values: Record<string, string> | null; error?: string } | null;
  /** The values the sinks should carry for the current state. */
  expectedSinkValues: Record<string, string>;
  /** The whole audit trail, oldest first. */
  audit: readonly AuditEntry[];
}

type Rule = (input: VerifyInput) => CheckResult;

const tiersSoaked: Rule = ({ tiers }) => {
  const missing = tiers.filter((tier) => !tier.eligible);
  if (missing.length === 0) return { id: 'phase3.tiers-soaked', status: 'pass', message: `all ${tiers.length} tiers run on BullMQ and have soaked` };
  return {
    id: 'phase3.tiers-soaked',
    status: 'fail',
    message: `${missing.length} of ${tiers.length} tiers not done: ${missing.map((tier) => `${tier.tier} (${tier.reason})`).join('; ')}`,
    fix: 'flip and soak them: redis-migrate runbook run phase2-tier --var tier=...',
    data: { missing: missing.map((tier) => tier.tier) },
  };
};

const flagsFinal: Rule = ({ plan, state }) => {
  const wrong: string[] = [];
  if (!state.useHttpRedis) wrong.push(`${plan.flags.useHttpRedis}=false`);
  if (!state.useBullmq) wrong.push(`${plan.flags.useBullmq}=false`);
  if (wrong.length === 0) return { id: 'phase3.flags-final', status: 'pass', message: `${plan.flags.useHttpRedis}=true and ${plan.flags.useBullmq}=true` };
  return {
    id: 'phase3.flags-final',
    status: 'fail',
    message: `the flags are not final: ${wrong.join(', ')}`,
    fix: 'finish phase 1 and phase 2 (see `redis-migrate status`)',
  };
};

const legacyKeys: Rule = ({ legacyKeys: keys, plan }) => {
  if (keys.total === 0) return { id: 'phase3.legacy-keys', status: 'pass', message: `no legacy keys under "${plan.legacy.prefix}:" for the plan's queues` };
  const queues = Object.entries(keys.byQueue).sort(([, a], [, b]) => b - a);
  return {
    id: 'phase3.legacy-keys',
    status: 'fail',
    message: `${keys.total} legacy key(s) remain: ${queues.map(([queue, n]) => `${queue} ${n}`).join(', ')}`,
    fix: 'redis-migrate phase3 cleanup (dry run first), then with --yes --backup FILE',
    data: { total: keys.total, byQueue: keys.byQueue },
  };
};

const legacyConnections: Rule = ({ legacyConnections: legacy }) => {
  if (legacy.total === 0) return { id: 'phase3.legacy-connections', status: 'pass', message: 'no legacy (Bull) connections' };
  return {
    id: 'phase3.legacy-connections',
    status: 'fail',
    message: `${legacy.total} legacy connection(s): ${Object.entries(legacy.byRole)
      .map(([role, n]) => `${role} ${n}`)
      .join(', ')}${legacy.queues.length ? ` (${legacy.queues.join(', ')})` : ''}`,
    fix: 'deploy the release without Bull, or stop the processes still running it (`redis-migrate connections` shows their addresses)',
    data: { total: legacy.total, byRole: legacy.byRole },
  };
};

const connectionsTarget: Rule = ({ connections, targets }) => {
  if (targets.connections === null)
    return { id: 'phase3.connections-target', status: 'skip', message: `${connections} app connections; the plan sets no target (target.connections)` };
  const ok = connections <= targets.connections;
  return {
    id: 'phase3.connections-target',
    status: ok ? 'pass' : 'fail',
    message: `${connections} app connections, target ${targets.connections}`,
    ...(ok ? {} : { fix: 'see `redis-migrate plan` for what the topology can reach, and `connections` for who holds them' }),
    data: { connections, target: targets.connections },
  };
};

const idleCommands: Rule = ({ idle, targets }) => {
  if (idle.perMinute === null) return { id: 'phase3.idle-commands', status: 'skip', message: 'command rate not measured' };
  const rate = Math.round(idle.perMinute * 10) / 10;
  const window = `${Math.round(idle.windowMs / 1000)} s`;
  if (targets.idleCommandsPerMinute === null) {
    return {
      id: 'phase3.idle-commands',
      status: 'skip',
      message: `${rate} commands/min over ${window}; the plan sets no target (target.idleCommandsPerMinute)`,
    };
  }
  const ok = rate <= targets.idleCommandsPerMinute;
  return {
    id: 'phase3.idle-commands',
    status: ok ? 'pass' : 'fail',
    message: `${rate} commands/min over ${window} (server-side, scripts' inner commands included), target ${targets.idleCommandsPerMinute}`,
    ...(ok
      ? {}
      : {
          fix: 'tune idle polling (BullMQ Worker { drainDelay: 60, stalledInterval: 300000 }; see `redis-migrate monitor` advice), and measure while the app is idle',
        }),
    data: { perMinute: rate, windowMs: idle.windowMs, target: targets.idleCommandsPerMinute },
  };
};

/** The dotenv file holds the final values; hooks cannot be read back, so no failure may follow the last change. */
const sinks: Rule = ({ dotenv, expectedSinkValues, audit, plan }) => {
  const problems: string[] = [];
  if (dotenv) {
    if (!dotenv.values) problems.push(`cannot read ${dotenv.path}: ${dotenv.error ?? 'missing'}`);
    else {
      for (const [name, value] of Object.entries(expectedSinkValues)) {
        if (dotenv.values[name] !== value) problems.push(`${dotenv.path} has ${name}=${dotenv.values[name] ?? '(unset)'}, expected ${value}`);
      }
    }
  }
  const lastChange = [...audit].reverse().findIndex((entry) => entry.version !== null);
  const sinceLastChange = lastChange === -1 ? [] : [...audit].reverse().slice(0, lastChange);
  const failed = sinceLastChange.filter((entry) => entry.kind === 'sink');
  if (failed.length)
    problems.push(
      `a sink failed after the last flag change: ${failed.map((entry) => (entry.details.failures as string[] | undefined)?.join('; ') ?? entry.command).join('; ')}`,
    );
  if (problems.length)
    return {
      id: 'phase3.sinks',
      status: 'fail',
      message: problems.join('; '),
      fix: 'fix the sink and re-apply it (a no-op `phase2` does not re-run sinks: edit the file or run the hook by hand)',
    };
  if (!dotenv && plan.sinks.hooks.length === 0) return { id: 'phase3.sinks', status: 'skip', message: 'the plan has no sinks' };
  const what = [
    dotenv ? `${dotenv.path} shows the final flags` : '',
    plan.sinks.hooks.length ? `${plan.sinks.hooks.length} hook(s) reported no failure since the last change` : '',
  ].filter(Boolean);
  return { id: 'phase3.sinks', status: 'pass', message: what.join('; ') };
};

/** Fields of a flag change that make up the state (clocks and bookkeeping aside). */
function flagFields(hash: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(hash).filter(([field]) => field === 'useBullmq' || field === 'useHttpRedis' || /^tier:[^:]+$/.test(field)));
}

/** Every change from version 1 to the current one is in the trail, and replaying it gives the state. */
const auditTrail: Rule = ({ audit, state, stateHash }) => {
  const id = 'phase3.audit-trail';
  if (state.version === 0) return { id, status: 'fail', message: 'nothing was ever flipped in this namespace', fix: 'check --namespace' };
  const changes = audit.filter((entry) => entry.version !== null);
  // The run of versions ending at the current one (a wiped and rebuilt state restarts at 1).
  const run: AuditEntry[] = [];
  for (let i = changes.length - 1, expected = state.version; i >= 0 && expected >= 1; i--) {
    const entry = changes[i] as AuditEntry;
    if (entry.version !== expected) break;
    run.unshift(entry);
    expected--;
  }
  const first = run[0]?.version ?? state.version + 1;
  if (first !== 1) {
    const have = new Set(changes.map((entry) => entry.version));
    const missing = Array.from({ length: state.version }, (_, i) => i + 1).filter((v) => !have.has(v) || v < first);
    return {
      id,
      status: 'fail',
      message: `the audit trail misses flag change(s) ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? '…' : ''} of ${state.version}`,
      fix: 'the stream was trimmed or written around; keep the exported report and `redis-migrate audit --json` with the migration record',
      data: { missing },
    };
  }
  const replay: Record<string, string> = {};
  for (const entry of run) Object.assign(replay, flagFields(entry.after));
  const actual = flagFields(stateHash);
  const differs = Object.keys({ ...replay, ...actual }).filter((field) => (replay[field] ?? '') !== (actual[field] ?? ''));
  if (differs.length) {
    return {
      id,
      status: 'fail',
      message: `replaying the audit trail does not give the state: ${differs.map((field) => `${field} ${replay[field] ?? '-'} vs ${actual[field] ?? '-'}`).join(', ')}`,
      fix: 'investigate with `redis-migrate audit` and `status` (drift)',
    };
  }
  return { id, status: 'pass', message: `${run.length} flag change(s), versions 1 to ${state.version}, replay to the current state` };
};

export const VERIFY_RULES: readonly Rule[] = [tiersSoaked, flagsFinal, legacyKeys, legacyConnections, connectionsTarget, idleCommands, sinks, auditTrail];

export function verifyEndState(input: VerifyInput): CheckResult[] {
  return VERIFY_RULES.map((rule) => rule(input));
}
