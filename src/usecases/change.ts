/**
 * The one way the migration state changes, shared by phase1, phase2 and rollback:
 * read → gate → diff → dry-run? → confirm → lock (unless rollback; gate and diff again under it)
 * → baseline → flip (atomic) → wait for app confirmations while the sinks run → audit sink
 * failures → release. The steps are those phases/ lists, announced through `onStep`.
 */
import type { CheckResult } from '../checks/types.js';
import { CliError, EXIT, UsageError } from '../errors.js';
import { formatDuration, parseDuration } from '../plan/duration.js';
import type { LoadedPlan } from '../plan/load-plan.js';
import { serverTimeMs, type RedisClient } from '../redis/client.js';
import { duplicateConnection } from '../redis/connect.js';
import type { StateKeys } from '../state/keys.js';
import { appendAudit } from '../state/audit.js';
import { recordBaseline } from '../state/baselines.js';
import { confirmationsFromRecords, watchAcks, type ConfirmationReport } from '../state/confirmations.js';
import { applyFlagChange, readState, type AuditKind } from '../state/flag-store.js';
import { readInstances } from '../state/instances.js';
import { acquireLock, type HeldLock } from '../state/lock.js';
import {
  diffChanges,
  fieldDefault,
  movesText,
  parseStateHash,
  stateWith,
  tierMoves,
  ungatedMoves,
  type FieldChanges,
  type FlagState,
  type TierMove,
} from '../state/model.js';
import { flagsView, tiersView, type FlagsView, type TierView } from '../state/view.js';
import type { SinkReport } from '../sinks/sinks.js';
import type { Blocked, GateVerdict } from './blocked.js';
import type { Environment } from './environment.js';
import type { Report } from './report.js';

export interface ChangeRequest {
  kind: AuditKind;
  /** The command as typed, minus secrets: what the audit shows. */
  command: string;
  /** Desired field values; only those that differ are written. */
  changes: (state: FlagState) => FieldChanges;
  /**
   * Tiers whose own checks and gate this command ran: the only ones the change may put on BullMQ.
   * A change that would put any other tier there is refused (exit 3), --force or not.
   */
  gatedTiers: readonly string[];
  question: string;
  dryRun: boolean;
  waitMs: number;
  /** Rollback never takes the lock: it must work while a stuck operator holds it. */
  useLock: boolean;
  reason?: string | undefined;
  force?: boolean;
  /** The soak gate. May read Redis (the monitor's soak records); evaluated before the prompt and again under the lock. */
  gate?: (state: FlagState, now: number, client: RedisClient) => GateVerdict | Promise<GateVerdict>;
  /** The preflight checks that gate this change, already run: a failing one blocks it unless `force`. */
  checks?: readonly CheckResult[];
  /** Baseline step recorded before the first flip of this step. */
  baselineStep?: string;
  /** A connection the command already opened (e.g. for its checks); otherwise one is opened here. */
  client?: RedisClient;
  /** Notes for the operator (e.g. a later tier still on BullMQ after its predecessor was rolled back). */
  notes?: (state: FlagState) => string[];
  /** Each step of phases/ as it starts. */
  onStep?: (step: ChangeStep) => void;
}

/** The steps of a change, as phases/ names them. */
export type ChangeStep = 'gate' | 'confirm' | 'lock' | 'baseline' | 'flip' | 'confirmations' | 'sinks';

export interface ChangeReport extends Report {
  command: string;
  namespace: string;
  plan: string;
  dryRun: boolean;
  /** True when this run changed the state (false: it already was so, or dry run). */
  changed: boolean;
  version: number;
  before: FieldChanges;
  after: FieldChanges;
  /** Tiers whose queues this change moved to the other system (would move, on a dry run), with their queues. */
  moved: (TierMove & { queues: string[] })[];
  /** The soak gate and the checks as one verdict (null: this change has neither), and whether --force passed it. */
  gate: (GateVerdict & { forced: boolean }) | null;
  /** Every cause that refused the change (nothing was changed, `ok` is false), or null. */
  blocked: Blocked | null;
  flags: FlagsView;
  tiers: TierView[];
  confirmations: ConfirmationReport;
  sinks: SinkReport | null;
  warnings: string[];
  notes: string[];
}

export async function applyChange(env: Environment, loaded: LoadedPlan, request: ChangeRequest): Promise<ChangeReport> {
  const { plan } = loaded;
  const keys = env.keys(loaded);
  const order = plan.tiers.map((tier) => tier.name);
  const withQueues = (moves: TierMove[]) => moves.map((move) => ({ ...move, queues: plan.tiers.find((tier) => tier.name === move.tier)?.queues ?? [] }));
  if (request.force && !request.reason?.trim() && plan.confirm.requireReasonForForce) {
    throw new UsageError('force.reason', '--force needs --reason so the audit trail says why the gate was passed', {
      fix: 'add --reason "why this cannot wait"',
    });
  }
  const client = request.client ?? (await env.connect(request.kind === 'rollback' ? 'rollback' : 'change', loaded));
  const step = request.onStep ?? (() => undefined);
  let lock: HeldLock | undefined;
  try {
    if (request.gate || request.checks) step('gate');
    let { hash, state, now, gate, pending, moves, blocked } = await evaluate(client, keys, request, order);
    const base = {
      ok: true,
      command: request.command,
      namespace: env.namespace(loaded),
      plan: loaded.source,
      warnings: [] as string[],
      notes: request.notes?.(state) ?? [],
    };
    // What would change, changing nothing: a dry run, nothing to do, or a refusal.
    const preview = async (): Promise<ChangeReport> => {
      const { instances } = await readInstances(client, keys);
      return {
        ...base,
        ok: blocked === null,
        gate,
        blocked,
        moved: withQueues(moves),
        dryRun: request.dryRun,
        changed: false,
        version: state.version,
        before: Object.fromEntries(Object.keys(pending).map((field) => [field, hash[field] ?? fieldDefault(field)])),
        after: pending,
        flags: flagsView(plan, state),
        tiers: tiersView(plan, state, now),
        confirmations: confirmationsFromRecords(instances, state.version, state.epoch),
        sinks: null,
      };
    };
    if (blocked || Object.keys(pending).length === 0 || request.dryRun) return await preview();

    // Ask before taking the lock: an operator who walks away from a prompt must not lock others out.
    step('confirm');
    await env.confirm(moves.length ? `${request.question} Queues that move: ${movesText(moves)}.` : request.question);
    if (request.useLock) {
      step('lock');
      lock = await acquireLock(client, keys, {
        owner: env.actor,
        command: request.command,
        host: env.host,
        ttlMs: parseDuration(plan.lock.ttl) ?? 30_000,
      });
      const confirmed = JSON.stringify(pending);
      ({ hash, state, now, gate, pending, moves, blocked } = await evaluate(client, keys, request, order));
      // The gate may have closed meanwhile (a breach recorded); the lock is released on the way out.
      if (blocked) return await preview();
      if (JSON.stringify(pending) !== confirmed) {
        throw new CliError('state.changed', 'the migration state changed while you were confirming; nothing was changed', EXIT.lockHeld, {
          fix: 'check `redis-migrate status` and `redis-migrate audit`, then run the command again',
        });
      }
    }

    if (request.baselineStep) {
      step('baseline');
      // Lazy: the classification is not needed on the rollback path, which records no baseline.
      const { baselineMeasurements } = await import('../observe/take-snapshot.js');
      await recordBaseline(client, keys, request.baselineStep, await baselineMeasurements(client, plan));
    }

    const subscriber = duplicateConnection(client, 'redis-migrate:cli:acks');
    subscriber.on('error', () => undefined);
    try {
      await subscriber.connect();
      const [watch, { instances }] = await Promise.all([watchAcks(subscriber, keys, client), readInstances(client, keys)]);
      const expected = instances.filter((instance) => instance.live);
      watch.markSent();
      step('flip');
      const result = await applyFlagChange(client, keys, {
        changes: pending,
        actor: env.actor,
        command: request.command,
        reason: request.reason,
        kind: gate?.forced ? 'forced' : request.kind,
        lockToken: lock?.info.token,
        details: {
          moved: moves,
          ...(gate?.forced ? { gate: { message: gate.message, remainingMs: gate.remainingMs } } : {}),
        },
      });

      const before = parseStateHash({ ...hash });
      step('confirmations');
      step('sinks');
      const [confirmations, sinks] = await Promise.all([
        watch.wait({ version: result.version, epoch: result.state.epoch, expected, waitMs: request.waitMs }),
        runPlanSinks(loaded, before, result.state, result.version, base.namespace),
      ]);
      await watch.stop();

      const warnings = [...base.warnings];
      if (sinks) {
        const { sinkFailures } = await import('../sinks/sinks.js');
        const failures = sinkFailures(sinks);
        if (failures.length) {
          warnings.push(...failures.map((failure) => `sink failed (the Redis change stands): ${failure}`));
          await appendAudit(client, keys, {
            kind: 'sink',
            actor: env.actor,
            command: request.command,
            details: { version: result.version, failures },
          });
        }
      }
      if (confirmations.unconfirmed.length) {
        warnings.push(
          `${confirmations.unconfirmed.length} of ${confirmations.live} live app instance(s) did not confirm within ${formatDuration(request.waitMs)}`,
        );
      }
      return {
        ...base,
        gate,
        blocked: null,
        warnings,
        dryRun: false,
        changed: result.changed,
        version: result.version,
        before: result.before,
        after: result.after,
        moved: withQueues(tierMoves(before, result.state, order)),
        flags: flagsView(plan, result.state),
        tiers: tiersView(plan, result.state, result.time),
        confirmations,
        sinks,
      };
    } finally {
      subscriber.disconnect();
    }
  } finally {
    await lock?.release();
  }
}

/** The soak gate and the failing checks as one verdict: what --force passes and the audit records. */
function withChecks(soak: GateVerdict, failing: readonly CheckResult[]): GateVerdict {
  if (!failing.length) return soak;
  const message = `failing preflight checks: ${failing.map((check) => check.id).join(', ')}`;
  return { ...soak, open: false, message: soak.open ? message : `${soak.message}; ${message}` };
}

/**
 * Read the state and decide: the gate's verdict, the fields that would change, the tiers they move,
 * and every cause that blocks the change (null when none does).
 */
async function evaluate(client: RedisClient, keys: StateKeys, request: ChangeRequest, order: readonly string[]) {
  const [{ hash, state }, now] = await Promise.all([readState(client, keys), serverTimeMs(client)]);
  const soak = (await request.gate?.(state, now, client)) ?? null;
  const failing = (request.checks ?? []).filter((check) => check.status === 'fail');
  const force = Boolean(request.force);
  const verdict = request.gate || request.checks ? withChecks(soak ?? { open: true }, failing) : null;
  const gate = verdict ? { ...verdict, forced: !verdict.open && force } : null;
  const pending = diffChanges(hash, request.changes(state));
  const moves = tierMoves(state, stateWith(hash, pending), order);
  const causes: Blocked = {
    // A closed gate matters only to a change that would happen; the checks gate the command itself.
    gate: soak && !soak.open && !force && Object.keys(pending).length > 0 ? soak : null,
    checks: force ? [] : failing,
    ungatedTiers: ungatedMoves(moves, request.gatedTiers),
  };
  const blocked = causes.gate || causes.checks.length || causes.ungatedTiers.length ? causes : null;
  return { hash, state, now, gate, pending, moves, blocked };
}

async function runPlanSinks(loaded: LoadedPlan, before: FlagState, after: FlagState, version: number, namespace: string): Promise<SinkReport | null> {
  // Loaded only when the plan has sinks: execa is not needed on the rollback fast path otherwise.
  if (!loaded.plan.sinks.dotenv && loaded.plan.sinks.hooks.length === 0) return null;
  const sinks = await import('../sinks/sinks.js');
  return sinks.runSinks(loaded.plan, before, after, { version, namespace });
}
