/**
 * What a monitor run adds up to, folded sample by sample in constant memory (a service runs for
 * days): connections first/last/min/max, failure rate, the app's command rate and cost, healthy
 * soak time this run per tier, and the recent series for charts. Pure.
 */
import type { Plan } from '../plan/schema.js';
import { commandCost, idleAdvice, type Breach, type CommandCost, type Sample } from '../observe/samples.js';
import type { MonitorTick } from './tick.js';
import { breachKey } from './totals.js';

/** Points kept for the live charts. */
export const SERIES_POINTS = 600;

export interface MonitorSummary {
  startedAt: number;
  endedAt: number;
  samples: number;
  /** Samples that could not be taken (Redis away); the monitor carried on. */
  failedSamples: number;
  /** Breaches this run saw start or, at its first sample, already going on (those were audited when they started). */
  breaches: (Breach & { at: number })[];
  connections: { first: number; last: number; min: number; max: number; limit: number | null } | null;
  failureRate: { last: number | null; max: number | null; limit: number };
  /** Commands the app sent (server-side, Lua inner calls included, the monitor's own removed). */
  commands: (CommandCost & { perSecond: number }) | null;
  advice: string[];
  /** Healthy monitored time this run added per tier on BullMQ. */
  tiers: { tier: string; healthyMs: number; breached: boolean }[];
  series: { at: number[]; connections: number[]; failureRate: (number | null)[] };
  last: Sample | null;
}

export function emptySummary(plan: Plan): MonitorSummary {
  return {
    startedAt: 0,
    endedAt: 0,
    samples: 0,
    failedSamples: 0,
    breaches: [],
    connections: null,
    failureRate: { last: null, max: null, limit: plan.thresholds.maxFailureRate },
    commands: null,
    advice: [],
    tiers: [],
    series: { at: [], connections: [], failureRate: [] },
    last: null,
  };
}

/** Folds ticks into a summary; also remembers what the command-rate and healthy-time totals need. */
export class SummaryFolder {
  readonly summary: MonitorSummary;
  private firstCommands: number | null = null;
  /** The monitor's own commands between the first reading and the latest one. */
  private ownSince = 0;
  private lastOwn = 0;
  private active = new Set<string>();
  private readonly healthy = new Map<string, { since: number; healthyMs: number; added: number; breached: boolean }>();

  constructor(private readonly plan: Plan) {
    this.summary = emptySummary(plan);
  }

  add(tick: MonitorTick): void {
    const commandsTotal = tick.serverCommands;
    const s = this.summary;
    const sample = tick.sample;
    if (s.samples === 0) {
      s.startedAt = sample.at;
      this.firstCommands = commandsTotal;
    } else {
      this.ownSince += this.lastOwn;
    }
    this.lastOwn = tick.ownCommands;
    s.samples++;
    s.endedAt = sample.at;
    s.last = sample;
    const active = new Set<string>();
    for (const breach of sample.breaches) {
      const key = breachKey(breach);
      active.add(key);
      if (!this.active.has(key)) s.breaches.push({ ...breach, at: sample.at });
    }
    this.active = active;

    const app = sample.connections.app;
    s.connections = s.connections
      ? { ...s.connections, last: app, min: Math.min(s.connections.min, app), max: Math.max(s.connections.max, app) }
      : { first: app, last: app, min: app, max: app, limit: this.plan.thresholds.maxConnections ?? null };
    const rate = sample.failureRate;
    s.failureRate = { last: rate, max: rate === null ? s.failureRate.max : Math.max(s.failureRate.max ?? 0, rate), limit: this.plan.thresholds.maxFailureRate };
    push(s.series.at, sample.at);
    push(s.series.connections, app);
    push(s.series.failureRate, rate);

    const seconds = (s.endedAt - s.startedAt) / 1000;
    if (seconds > 0 && this.firstCommands !== null) {
      const perSecond = Math.max(0, commandsTotal - this.firstCommands - this.ownSince) / seconds;
      s.commands = { perSecond: Math.round(perSecond * 100) / 100, ...commandCost(perSecond, this.plan.cost) };
    }
    s.advice = idleAdvice({ bullmq: sample.connections.byRole['bullmq-worker'], legacy: sample.connections.byRole['legacy-worker'] });

    for (const tier of tick.tiers) {
      if (tier.effective !== 'bullmq' || !tier.health || tier.health.since !== tier.soak.startedAt) continue;
      const entry = this.healthy.get(tier.name);
      const breached = tier.health.breachAt !== null && tier.health.breachAt >= s.startedAt;
      if (!entry || entry.since !== tier.health.since) {
        this.healthy.set(tier.name, {
          since: tier.health.since,
          healthyMs: tier.health.healthyMs,
          added: entry?.added ?? 0,
          breached: (entry?.breached ?? false) || breached,
        });
        continue;
      }
      entry.added += Math.max(0, tier.health.healthyMs - entry.healthyMs);
      entry.healthyMs = tier.health.healthyMs;
      entry.breached ||= breached;
    }
    s.tiers = [...this.healthy.entries()].map(([tier, entry]) => ({ tier, healthyMs: entry.added, breached: entry.breached }));
  }

  failed(): void {
    this.summary.failedSamples++;
  }
}

function push<T>(series: T[], value: T): void {
  series.push(value);
  if (series.length > SERIES_POINTS) series.shift();
}
