/**
 * One monitor sample, read and recorded: the state, a raw reading, the derived sample (rates,
 * failure rates, breaches), the sample into the stream, each tier's soak bookkeeping, the running
 * totals, and an audit entry for every breach that starts. Everything another monitor (or this
 * one after a restart) needs to carry on is written to Redis here.
 */
import { currentBudgetStep, type ConnectionBudget } from '../plan/budget.js';
import type { Plan } from '../plan/schema.js';
import type { RedisClient } from '../redis/client.js';
import { deriveSample, windowEntries, type Breach, type Sample } from '../observe/samples.js';
import { readRawSample, type RawSample } from '../observe/sampler.js';
import { appendAudit } from '../state/audit.js';
import { readState } from '../state/flag-store.js';
import type { StateKeys } from '../state/keys.js';
import { effectiveBullmqTiers, effectiveSince, tierState, type FlagState, type TierState } from '../state/model.js';
import { readMonitorTotals, recordMonitorTotals } from '../state/monitor-totals.js';
import { appendSample } from '../state/samples.js';
import { soakProgress, type SoakProgress } from '../state/soak.js';
import { recordSoakSample, type TierSoakHealth } from '../state/soak-health.js';
import { breachKey, parseTotals, storedCursors, totalsUpdates, type MonitorTotals } from './totals.js';

export interface TierTick {
  name: string;
  /** Recorded state. */
  state: TierState;
  /** Where its queues run now (recorded state and the master switch). */
  effective: TierState;
  soak: SoakProgress;
  /** What monitors recorded of its soaks (healthy time, breach, restarts), or null if never watched. */
  health: TierSoakHealth | null;
}

export interface MonitorTick {
  sample: Sample;
  state: FlagState;
  tiers: TierTick[];
  totals: MonitorTotals;
  /** What the plan's topology predicts for the current step. */
  budget: { step: string; steady: number; peak: number };
  /** Breaches that started with this sample (each audited once, whichever monitor saw it first). */
  started: Breach[];
  /** Commands this sample sent to Redis, inner calls of its scripts included. */
  ownCommands: number;
  /** The servers' command counter (total_commands_processed, summed over nodes) at this sample. */
  serverCommands: number;
  /** Wall time the sample took, ms. */
  tookMs: number;
}

/** What one sample hands to the next (the monitor's memory; none of it is needed to resume). */
export interface TickMemory {
  previous: RawSample | null;
  startBacklog: number | null;
  /** Per queue, the finished / failed jobs of the samples in the failure-rate window. */
  window: Record<string, { finished: number; failed: number }[]>;
}

export interface TickContext {
  client: RedisClient;
  plan: Plan;
  keys: StateKeys;
  actor: string;
  windowSize: number;
  /** Longest gap between two samples still counted as watched soak time. */
  maxGapMs: number;
  budget: ConnectionBudget;
}

function addCalls(raw: RawSample, calls: Record<string, number>): void {
  for (const [command, count] of Object.entries(calls)) {
    raw.ownByCommand[command] = (raw.ownByCommand[command] ?? 0) + count;
    raw.ownCommands += count;
  }
}

export async function takeTick(ctx: TickContext, memory: TickMemory): Promise<MonitorTick> {
  const started = performance.now();
  const { client, plan, keys } = ctx;
  const tierOrder = plan.tiers.map((tier) => tier.name);
  const queues = plan.tiers.flatMap((tier) => tier.queues);
  const [{ state }, stored] = await Promise.all([readState(client, keys), readMonitorTotals(client, keys)]);
  const bullmqTiers = effectiveBullmqTiers(state, tierOrder);
  const raw = await readRawSample(client, plan, keys, storedCursors(stored, queues));
  const sample = deriveSample(memory.previous, raw, {
    plan,
    bullmqTiers,
    startBacklog: memory.startBacklog,
    window: memory.window,
    windowSize: ctx.windowSize,
  });
  memory.startBacklog ??= sample.backlog.total;
  for (const [queue, entry] of Object.entries(windowEntries(sample))) memory.window[queue] = [...(memory.window[queue] ?? []), entry].slice(-ctx.windowSize);

  const readings = tierOrder.map((tier) => {
    const concerning = sample.breaches.filter((breach) => breach.tiers.includes(tier)).map((breach) => breach.message);
    return { tier, since: effectiveSince(state, tier), breach: concerning.length ? concerning.join('; ') : null };
  });
  const [, soak, totals] = await Promise.all([
    appendSample(client, keys, sample, plan.monitor.maxSamples),
    recordSoakSample(client, keys, { at: raw.at, maxGapMs: ctx.maxGapMs, tiers: readings }),
    recordMonitorTotals(client, keys, totalsUpdates(stored, raw, queues), sample.breaches.map(breachKey)),
  ]);
  const startedBreaches = sample.breaches.filter((breach) => totals.started.includes(breachKey(breach)));
  for (const breach of startedBreaches) {
    await appendAudit(client, keys, { kind: 'breach', actor: ctx.actor, command: 'monitor', reason: breach.message, details: { ...breach } });
  }

  // The two reads before the raw reading and everything after it are this monitor's traffic too: the next sample subtracts them.
  addCalls(raw, { hgetall: 2, xadd: 1 + startedBreaches.length, evalsha: 2, time: startedBreaches.length });
  addCalls(raw, soak.calls);
  addCalls(raw, totals.calls);
  memory.previous = raw;

  const step = currentBudgetStep(ctx.budget, { useHttpRedis: state.useHttpRedis, bullmqTiers });
  return {
    sample,
    state,
    tiers: plan.tiers.map((tier) => ({
      name: tier.name,
      state: tierState(state, tier.name),
      effective: bullmqTiers.includes(tier.name) ? 'bullmq' : 'legacy',
      soak: soakProgress(tier, state, raw.at),
      health: soak.health[tier.name] ?? null,
    })),
    totals: parseTotals(totals.hash, queues),
    budget: { step: step.id, steady: step.steady, peak: step.peak },
    started: startedBreaches,
    ownCommands: raw.ownCommands,
    serverCommands: raw.commands.total,
    tookMs: performance.now() - started,
  };
}
