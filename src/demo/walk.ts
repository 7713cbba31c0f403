/**
 * The demo's two walks. Main: one app process, one BullMQ queue per legacy queue, through every
 * step of the migration. Merged: a producer-only API process plus one worker process with every
 * queue merged into one BullMQ queue, legacy and then everything flipped: the topology that can
 * reach the 1-3 target. After each step: wait until the workers settle, then measure.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Ledger } from '../../examples/fleet/ledger.js';
import type { FleetChild } from '../../examples/fleet/supervisor.js';
import { MERGED_QUEUE } from '../../examples/fleet/catalog.js';
import type { CommandContext } from '../cli/context.js';
import type { ChangeReport } from '../commands/change.js';
import type { ConnectionCount } from './connections.js';
import { predictConnections, type DemoTopology, type Prediction } from './model.js';
import { commandText, demoSteps, type DemoStep } from './script.js';
import type { DemoWorld } from './world.js';

export interface DemoStepResult {
  id: string;
  label: string;
  command: string;
  topology: DemoTopology;
  onBullmq: number;
  kvOnHttp: boolean;
  measured: ConnectionCount;
  predicted: Prediction;
  byProcess: Record<string, ConnectionCount>;
  jobs: { produced: number; processed: number; inFlight: number };
  /** Seconds since the demo started. */
  at: number;
  /** The workers reached the state the flags ask for before the measurement. */
  settled: boolean;
}

interface WalkState {
  onBullmq: Set<string>;
  http: boolean;
  changedAt: number;
}

export interface WalkContext {
  ctx: CommandContext;
  world: DemoWorld;
  ledger: Ledger;
  rate: string;
  started: number;
  http: boolean;
  /** Extra environment for every fleet process (benchmarks: FLEET_KV=0 runs without cache and limiters). */
  fleetEnv?: Record<string, string>;
}

function onBullmqAfter(report: ChangeReport | undefined, previous: Set<string>): Set<string> {
  if (!report) return previous;
  return new Set(report.tiers.filter((tier) => tier.effective === 'bullmq').flatMap((tier) => tier.queues));
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

/** Two equal readings 250 ms apart (a connection being closed takes a moment to leave CLIENT LIST). */
async function stableCount(world: DemoWorld): Promise<Awaited<ReturnType<DemoWorld['count']>>> {
  let previous = await world.count();
  for (let i = 0; i < 12; i++) {
    await sleep(250);
    const next = await world.count();
    if (next.all.total === previous.all.total) return next;
    previous = next;
  }
  return previous;
}

async function step(walk: WalkContext, step: DemoStep, topology: DemoTopology, worker: FleetChild, state: WalkState): Promise<DemoStepResult> {
  if (step.run.command === 'phase2') {
    // Respect the gate: the previous tier must have soaked its (short) window since the last change.
    const wait = walk.world.soakMs - (Date.now() - state.changedAt) + 100;
    if (wait > 0) await sleep(wait);
  }
  const report = await walk.world.change(step.run);
  if (report?.changed) state.changedAt = Date.now();
  state.onBullmq = onBullmqAfter(report, state.onBullmq);
  if (report) state.http = report.flags.USE_HTTP_REDIS;
  const queues = walk.world.queues;
  const settled = await settle(worker, expectedLanes(queues, state.onBullmq, topology !== 'single'));
  const { all, byProcess } = await stableCount(walk.world);
  const kvOnHttp = walk.http && state.http;
  const noKv = walk.fleetEnv?.FLEET_KV === '0';
  const predicted = predictConnections({ queues, onBullmq: state.onBullmq, kvOnHttp: kvOnHttp || noKv, topology });
  const summary = walk.ledger.summary();
  const result: DemoStepResult = {
    id: step.id,
    label: step.label,
    command: commandText(step.run),
    topology,
    onBullmq: state.onBullmq.size,
    kvOnHttp,
    measured: all,
    predicted,
    byProcess,
    jobs: { produced: summary.produced, processed: summary.processed, inFlight: summary.outstanding },
    at: Math.round((Date.now() - walk.started) / 100) / 10,
    settled,
  };
  const roles = Object.entries(all.byRole).filter(([, n]) => n > 0).map(([role, n]) => `${role} ${n}`).join(', ');
  const processes = Object.keys(byProcess).length > 1 ? ` [${Object.entries(byProcess).map(([name, count]) => `${name} ${count.total}`).join(', ')}]` : '';
  walk.ctx.log(
    `[${result.at.toFixed(1).padStart(5)}s] ${topology === 'single' ? 'one queue each' : 'merged + API  '} ${(result.command === '-' ? 'baseline' : result.command).padEnd(26)} ${String(all.total).padStart(2)} connections (${roles})${processes}, predicted ${predicted.total}` +
      ` · jobs produced ${summary.produced}, processed ${summary.processed}, in flight ${summary.outstanding}${settled ? '' : ' · workers not settled'}`,
  );
  return result;
}

/** Stop producing, let the backlog finish, stop the processes. */
async function drainAndStop(walk: WalkContext, producers: FleetChild[]): Promise<void> {
  for (const producer of producers) producer.setRate(0);
  const deadline = Date.now() + 20_000;
  while (walk.ledger.summary().outstanding > 0 && Date.now() < deadline) await sleep(100);
  await walk.world.stopFleets();
}

export async function walkMain(walk: WalkContext): Promise<DemoStepResult[]> {
  const app = await walk.world.fleet('app', { ...walk.fleetEnv, FLEET_ROLES: 'produce,work,schedule', FLEET_RATE: walk.rate, FLEET_TOPOLOGY: 'per-queue' }, walk.ledger);
  const state: WalkState = { onBullmq: new Set<string>(), http: false, changedAt: 0 };
  const results: DemoStepResult[] = [];
  for (const entry of demoSteps(walk.world.tiers.map((tier) => tier.name))) results.push(await step(walk, entry, 'single', app, state));
  await drainAndStop(walk, [app]);
  return results;
}

export async function walkMerged(walk: WalkContext): Promise<DemoStepResult[]> {
  const env = { ...walk.fleetEnv, FLEET_TOPOLOGY: 'merged' };
  const api = await walk.world.fleet('api', { ...env, FLEET_ROLES: 'produce,schedule', FLEET_RATE: walk.rate }, walk.ledger);
  const worker = await walk.world.fleet('worker', { ...env, FLEET_ROLES: 'work', FLEET_RATE: '0' }, walk.ledger);
  const state: WalkState = { onBullmq: new Set<string>(), http: false, changedAt: 0 };
  const steps = demoSteps(walk.world.tiers.map((tier) => tier.name)).filter((entry) => entry.id !== 'rollback' && entry.id !== 'reflip');
  const results: DemoStepResult[] = [];
  for (const entry of steps) results.push(await step(walk, entry, 'split', worker, state));
  await drainAndStop(walk, [api]);
  return results;
}
