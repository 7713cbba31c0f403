/**
 * The demo's two walks. Main: one app process, one BullMQ queue per legacy queue, through every
 * step of the migration. Merged: a producer-only API process plus one worker process with every
 * queue merged into one BullMQ queue, legacy and then everything flipped: the topology that can
 * reach the 1-3 target. After each step: wait until the workers settle, then measure, beside what
 * the plan's connection budget predicts for the step.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { MERGED_QUEUE } from '../../examples/fleet/config.js';
import type { Ledger } from '../../examples/fleet/ledger.js';
import type { FleetChild } from '../../examples/fleet/supervisor.js';
import { blockedCauses } from '../usecases/blocked.js';
import type { ChangeReport } from '../usecases/change.js';
import type { ConnectionSummary } from '../observe/classify.js';
import { currentBudgetStep, type BudgetStep } from '../plan/budget.js';
import type { WorldCount } from './connections.js';
import { commandText, demoSteps, type DemoStep } from './script.js';
import type { DemoTopology, DemoWorld } from './world.js';

export interface DemoStepResult {
  id: string;
  label: string;
  command: string;
  topology: DemoTopology;
  onBullmq: number;
  kvOnHttp: boolean;
  /** Classified as `redis-migrate connections` does; `app` is the number to compare. */
  measured: ConnectionSummary;
  /** The plan's budget for the step the flags describe (`plan`, `connections`). */
  predicted: { step: string; total: number };
  /** Per fleet process: measured and predicted. */
  processes: Record<string, { measured: ConnectionSummary; predicted: number | null }>;
  jobs: { produced: number; processed: number; inFlight: number };
  /** Seconds since the demo started. */
  at: number;
  /** The workers reached the state the flags ask for before the measurement. */
  settled: boolean;
  /** What the command said when it did not change what the step meant to (e.g. phase 1's failed checks). */
  note?: string;
}

export interface WalkContext {
  log: (message: string) => void;
  world: DemoWorld;
  ledger: Ledger;
  rate: string;
  started: number;
}

interface WalkState {
  /** After phase 3: the app redeployed without legacy code and flags SDK. */
  final: boolean;
  onBullmq: Set<string>;
  tiers: string[];
  http: boolean;
  changedAt: number;
}

function expectedLanes(queues: readonly string[], onBullmq: ReadonlySet<string>, merged: boolean): string[] {
  const lanes = queues.filter((queue) => !onBullmq.has(queue)).map((queue) => `bull:${queue}`);
  if (merged) {
    if (onBullmq.size) lanes.push(`bullmq:${MERGED_QUEUE}`);
  } else lanes.push(...queues.filter((queue) => onBullmq.has(queue)).map((queue) => `bullmq:${queue}`));
  return lanes.sort();
}

async function settle(worker: FleetChild, expected: string[], timeoutMs = 15_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  const same = () => worker.lanes.length === expected.length && [...worker.lanes].sort().every((lane, i) => lane === expected[i]);
  while (!same() && Date.now() < deadline) await sleep(50);
  return same();
}

/**
 * The steady state: three equal readings 300 ms apart, within 8 s. Connections that come and go
 * (one being closed, a worker restarted for a late job and stopped again) are not the step's.
 */
async function stableCount(world: DemoWorld): Promise<WorldCount> {
  let last = await world.count();
  let same = 1;
  const deadline = Date.now() + 8000;
  while (same < 3 && Date.now() < deadline) {
    await sleep(300);
    const next = await world.count();
    same = next.all.app === last.all.app ? same + 1 : 1;
    last = next;
  }
  return last;
}

function apply(report: ChangeReport | undefined, state: WalkState): void {
  if (!report) return;
  const effective = report.tiers.filter((tier) => tier.effective === 'bullmq');
  state.onBullmq = new Set(effective.flatMap((tier) => tier.queues));
  state.tiers = effective.map((tier) => tier.name);
  state.http = report.flags.USE_HTTP_REDIS;
  if (report.changed) state.changedAt = Date.now();
}

/** The fleet a walk runs, and how it is redeployed for phase 3 (without legacy code and flags SDK). */
interface Fleet {
  worker: FleetChild;
  redeploy(): Promise<void>;
}

async function step(walk: WalkContext, entry: DemoStep, fleet: Fleet, state: WalkState): Promise<DemoStepResult> {
  const { world } = walk;
  if (entry.run.command === 'phase2' || entry.run.command === 'phase3') {
    // Respect the gates: the last tier must have soaked its (short) window since the last change.
    const wait = world.soakMs - (Date.now() - state.changedAt) + 100;
    if (wait > 0) await sleep(wait);
  }
  let note: string | undefined;
  let cleanup: Awaited<ReturnType<typeof world.phase3Cleanup>> | undefined;
  if (entry.run.command === 'phase3') {
    // As in production: delete the legacy keys, redeploy the app without its legacy code, then verify.
    cleanup = await world.phase3Cleanup();
    await fleet.redeploy();
    state.final = true;
  }
  const worker = fleet.worker;
  const report = await world.change(entry.run);
  apply(report, state);
  if (report?.blocked) {
    const checks = report.blocked.checks.map((check) => `${check.id}: ${check.message}`);
    note = `${commandText(entry.run)} refused: ${[...blockedCauses(report.blocked), ...checks].join('; ')}`;
  }
  const expected = expectedLanes(world.queues, state.onBullmq, world.options.topology === 'split');
  // A worker restarted for a late job (an add that left just before the flip) and stopped again is
  // not the step's steady state: measure again when the lanes changed during the measurement.
  let settled = false;
  let counted: WorldCount | undefined;
  for (let attempt = 0; attempt < 4 && !(settled && counted); attempt++) {
    settled = await settle(worker, expected);
    counted = await stableCount(world);
    if (!(await settle(worker, expected, 0))) counted = undefined;
  }
  const { all, byProcess } = counted ?? (await world.count());
  if (cleanup) {
    const verify = await world.phase3Verify();
    note = `phase3 cleanup ${cleanup.blocked ? 'was blocked' : `deleted ${cleanup.deleted} legacy keys`}; the app redeployed without the legacy code and the flags SDK; phase3 verify: ${verify.passed} passed${verify.failed.length ? `, failed: ${verify.failed.join(', ')}` : ''}`;
  }
  const budgetStep = state.final
    ? (world.budget.steps.find((entry) => entry.id === 'final') as BudgetStep)
    : currentBudgetStep(world.budget, { useHttpRedis: state.http, bullmqTiers: state.tiers });
  const summary = walk.ledger.summary();
  const result: DemoStepResult = {
    id: entry.id,
    label: entry.label,
    command: commandText(entry.run),
    topology: world.options.topology,
    onBullmq: state.onBullmq.size,
    kvOnHttp: world.options.kv === 'http' && state.http,
    measured: all,
    predicted: { step: budgetStep.id, total: budgetStep.steady },
    processes: Object.fromEntries(
      Object.entries(byProcess).map(([name, count]) => [
        name,
        { measured: count, predicted: budgetStep.processes.find((p) => p.process === name)?.total ?? null },
      ]),
    ),
    jobs: { produced: summary.produced, processed: summary.processed, inFlight: summary.outstanding },
    at: Math.round((Date.now() - walk.started) / 100) / 10,
    settled,
    ...(note ? { note } : {}),
  };
  const systems = Object.entries(all.bySystem)
    .filter(([, n]) => n > 0)
    .map(([system, n]) => `${system === 'unknown' ? 'other' : system} ${n}`)
    .join(', ');
  const perProcess =
    Object.keys(byProcess).length > 1
      ? ` [${Object.entries(result.processes)
          .map(([name, p]) => `${name} ${p.measured.app}`)
          .join(', ')}]`
      : '';
  walk.log(
    `[${result.at.toFixed(1).padStart(5)}s] ${result.topology === 'single' ? 'one queue each' : 'merged + API  '} ${(result.command === '-' ? 'baseline' : result.command).padEnd(26)} ${String(all.app).padStart(2)} connections (${systems})${perProcess}, plan predicts ${budgetStep.steady}` +
      ` · jobs produced ${summary.produced}, processed ${summary.processed}, in flight ${summary.outstanding}${settled ? '' : ' · workers not settled'}`,
  );
  if (result.note) walk.log(`        ${result.note}`);
  return result;
}

/** Stop producing, let the backlog finish, stop the processes. */
async function drainAndStop(walk: WalkContext, producers: FleetChild[]): Promise<void> {
  for (const producer of producers) producer.setRate(0);
  const deadline = Date.now() + 20_000;
  while (walk.ledger.summary().outstanding > 0 && Date.now() < deadline) await sleep(100);
  await walk.world.stopFleets();
}

function initialState(): WalkState {
  return { final: false, onBullmq: new Set(), tiers: [], http: false, changedAt: 0 };
}

/** What the app runs after phase 3: no flags SDK, every queue on BullMQ. */
const MIGRATED = { FLEET_FLAGS: 'off' };

export async function walkMain(walk: WalkContext): Promise<DemoStepResult[]> {
  const start = (env: Record<string, string> = {}) =>
    walk.world.fleet('app', { ...env, FLEET_ROLES: 'produce,work,schedule', FLEET_RATE: walk.rate }, walk.ledger);
  const fleet: Fleet = {
    worker: await start(),
    async redeploy() {
      await drainAndStop(walk, [fleet.worker]);
      fleet.worker = await start(MIGRATED);
    },
  };
  const state = initialState();
  const results: DemoStepResult[] = [];
  for (const entry of demoSteps(walk.world.tierNames)) results.push(await step(walk, entry, fleet, state));
  await drainAndStop(walk, [fleet.worker]);
  return results;
}

export async function walkMerged(walk: WalkContext): Promise<DemoStepResult[]> {
  const start = async (env: Record<string, string> = {}) => ({
    api: await walk.world.fleet('api', { ...env, FLEET_ROLES: 'produce,schedule', FLEET_RATE: walk.rate }, walk.ledger),
    worker: await walk.world.fleet('worker', { ...env, FLEET_ROLES: 'work', FLEET_RATE: '0' }, walk.ledger),
  });
  let processes = await start();
  const fleet: Fleet = {
    worker: processes.worker,
    async redeploy() {
      await drainAndStop(walk, [processes.api]);
      processes = await start(MIGRATED);
      fleet.worker = processes.worker;
    },
  };
  const state = initialState();
  const steps = demoSteps(walk.world.tierNames).filter((entry) => entry.id !== 'rollback' && !entry.id.startsWith('reflip:'));
  const results: DemoStepResult[] = [];
  for (const entry of steps) results.push(await step(walk, entry, fleet, state));
  await drainAndStop(walk, [processes.api]);
  return results;
}
