/**
 * Raw readings → monitor samples: rates, per-queue deltas and failure rates, backlog, threshold
 * breaches and who they concern, idle command cost. Pure.
 */
import type { Plan } from '../plan/schema.js';
import { backlogOf, type JobCounts, type QueueSystem } from './queue-keys.js';
import type { InstanceCounts, RawSample } from './sampler.js';

export interface QueueSample {
  tier: string;
  /** Where the queue runs now (the flags). */
  system: QueueSystem;
  legacy: { waiting: number; active: number; delayed: number; failed: number; completedDelta: number; failedDelta: number };
  bullmq: { waiting: number; active: number; delayed: number; failed: number; completedDelta: number; failedDelta: number };
  /** Failed / finished over the failure-rate window, both systems; null below the minimum of finished jobs. */
  failureRate: number | null;
}

export interface Breach {
  threshold: 'maxConnections' | 'maxFailureRate' | 'maxBacklogGrowth';
  message: string;
  value: number;
  limit: number;
  queue?: string;
  /** Tiers whose soak this breach spoils. */
  tiers: string[];
  /** False for failures of a queue still on legacy: rolling BullMQ back would not help. */
  rollbackWorthy: boolean;
}

export interface Sample {
  at: number;
  /** Time since the previous sample, ms (0 for the first). */
  intervalMs: number;
  connections: RawSample['connections'];
  /** `byCommand`: every command with calls over the interval, per second; `top`: the ten busiest. */
  commands: { perSecond: number | null; top: { command: string; perSecond: number }[]; byCommand: Record<string, number> };
  queues: Record<string, QueueSample>;
  backlog: { legacy: number; bullmq: number; total: number; growth: number };
  /** Over every queue and the window; null below the minimum of finished jobs. */
  failureRate: number | null;
  instances: InstanceCounts;
  breaches: Breach[];
}

export interface SampleContext {
  plan: Plan;
  /** Tiers effectively on BullMQ now. */
  bullmqTiers: readonly string[];
  /** Backlog (both systems) at the first sample: growth is measured from it. */
  startBacklog: number | null;
  /** Per queue, finished/failed deltas of the previous samples in the window (newest last). */
  window: Record<string, { finished: number; failed: number }[]>;
  windowSize: number;
}

function delta(current: number, previous: number | undefined): number {
  return previous === undefined ? 0 : Math.max(0, current - previous);
}

function side(current: JobCounts, previous: JobCounts | undefined, events?: { completed: number; failed: number }) {
  return {
    waiting: current.waiting + current.prioritized + current.paused,
    active: current.active,
    delayed: current.delayed,
    failed: current.failed,
    // Event counts survive removeOnComplete/removeOnFail, set sizes survive a trimmed stream: take the larger.
    completedDelta: Math.max(delta(current.completed, previous?.completed), events?.completed ?? 0),
    failedDelta: Math.max(delta(current.failed, previous?.failed), events?.failed ?? 0),
  };
}

export function deriveSample(previous: RawSample | null, current: RawSample, ctx: SampleContext): Sample {
  const { plan } = ctx;
  const thresholds = plan.thresholds;
  const intervalMs = previous ? Math.max(0, current.at - previous.at) : 0;
  const seconds = intervalMs / 1000;

  let perSecond: number | null = null;
  const top: { command: string; perSecond: number }[] = [];
  if (previous && seconds > 0) {
    const own = previous.ownCommands;
    perSecond = Math.max(0, current.commands.total - previous.commands.total - own) / seconds;
    for (const [command, calls] of Object.entries(current.commands.byCommand)) {
      const d = calls - (previous.commands.byCommand[command] ?? 0) - (previous.ownByCommand[command] ?? 0);
      if (d > 0) top.push({ command, perSecond: d / seconds });
    }
    top.sort((a, b) => b.perSecond - a.perSecond);
  }
  const byCommand = Object.fromEntries(top.map((entry) => [entry.command, Math.round(entry.perSecond * 1000) / 1000]));
  top.splice(10);

  const queues: Record<string, QueueSample> = {};
  let legacyBacklog = 0;
  let bullmqBacklog = 0;
  let windowFinished = 0;
  let windowFailed = 0;
  const breaches: Breach[] = [];
  for (const tier of plan.tiers) {
    const system: QueueSystem = ctx.bullmqTiers.includes(tier.name) ? 'bullmq' : 'legacy';
    for (const queue of tier.queues) {
      const now = current.queues[queue];
      if (!now) continue;
      const before = previous?.queues[queue];
      const legacy = side(now.legacy, before?.legacy);
      const bullmq = side(now.bullmq, before?.bullmq, previous ? now.bullmqEvents : undefined);
      legacyBacklog += backlogOf(now.legacy);
      bullmqBacklog += backlogOf(now.bullmq);
      const history = [
        ...(ctx.window[queue] ?? []),
        { finished: legacy.completedDelta + legacy.failedDelta + bullmq.completedDelta + bullmq.failedDelta, failed: legacy.failedDelta + bullmq.failedDelta },
      ].slice(-ctx.windowSize);
      const finished = history.reduce((sum, entry) => sum + entry.finished, 0);
      const failed = history.reduce((sum, entry) => sum + entry.failed, 0);
      windowFinished += finished;
      windowFailed += failed;
      const failureRate = finished >= thresholds.failureRateMinJobs ? failed / finished : null;
      queues[queue] = { tier: tier.name, system, legacy, bullmq, failureRate };
      if (failureRate !== null && failureRate > thresholds.maxFailureRate) {
        breaches.push({
          threshold: 'maxFailureRate',
          message: `${queue} (${tier.name}, on ${system}): ${(failureRate * 100).toFixed(1)} % of ${finished} jobs failed, over the ${(thresholds.maxFailureRate * 100).toFixed(1)} % threshold`,
          value: failureRate,
          limit: thresholds.maxFailureRate,
          queue,
          tiers: system === 'bullmq' ? [tier.name] : [],
          rollbackWorthy: system === 'bullmq',
        });
      }
    }
  }
  const total = legacyBacklog + bullmqBacklog;
  const growth = ctx.startBacklog === null ? 0 : total - ctx.startBacklog;
  if (growth > thresholds.maxBacklogGrowth) {
    breaches.push({
      threshold: 'maxBacklogGrowth',
      message: `backlog grew by ${growth} jobs since the monitor started (${ctx.startBacklog} → ${total}), over ${thresholds.maxBacklogGrowth}`,
      value: growth,
      limit: thresholds.maxBacklogGrowth,
      tiers: [...ctx.bullmqTiers],
      rollbackWorthy: true,
    });
  }
  if (thresholds.maxConnections !== undefined && current.connections.app > thresholds.maxConnections) {
    breaches.push({
      threshold: 'maxConnections',
      message: `${current.connections.app} app connections, over the maximum of ${thresholds.maxConnections}`,
      value: current.connections.app,
      limit: thresholds.maxConnections,
      tiers: [...ctx.bullmqTiers],
      rollbackWorthy: true,
    });
  }
  return {
    at: current.at,
    intervalMs,
    connections: current.connections,
    commands: { perSecond: perSecond === null ? null : Math.round(perSecond * 100) / 100, top, byCommand },
    queues,
    backlog: { legacy: legacyBacklog, bullmq: bullmqBacklog, total, growth },
    failureRate: windowFinished >= thresholds.failureRateMinJobs ? windowFailed / windowFinished : null,
    instances: current.instances,
    breaches,
  };
}

/** The per-queue window entries a sample adds (for the next sample's failure rate). */
export function windowEntries(sample: Sample): Record<string, { finished: number; failed: number }> {
  const out: Record<string, { finished: number; failed: number }> = {};
  for (const [queue, q] of Object.entries(sample.queues)) {
    out[queue] = {
      finished: q.legacy.completedDelta + q.legacy.failedDelta + q.bullmq.completedDelta + q.bullmq.failedDelta,
      failed: q.legacy.failedDelta + q.bullmq.failedDelta,
    };
  }
  return out;
}

export interface CommandCost {
  perMinute: number;
  projectedMonthly: number;
  projectedMonthlyCost: number;
  per100kCommands: number;
  currency: string;
}

const MINUTES_PER_MONTH = 60 * 24 * 30;

export function commandCost(perSecond: number, cost: Plan['cost']): CommandCost {
  const perMinute = perSecond * 60;
  const projectedMonthly = perMinute * MINUTES_PER_MONTH;
  return {
    perMinute: Math.round(perMinute * 10) / 10,
    projectedMonthly: Math.round(projectedMonthly),
    projectedMonthlyCost: Math.round((projectedMonthly / 100_000) * cost.per100kCommands * 100) / 100,
    per100kCommands: cost.per100kCommands,
    currency: cost.currency,
  };
}

/**
 * Worker settings that cut idle polling (measured, see the facts on Bull and BullMQ). Per idle
 * BullMQ Worker and minute: about 2·60/drainDelay + 60000/stalledInterval client requests.
 */
export function idleAdvice(workers: { bullmq: number; legacy: number }): string[] {
  const advice: string[] = [];
  const perWorker = (drainDelaySeconds: number, stalledMs: number) => (2 * 60) / drainDelaySeconds + 60_000 / stalledMs;
  if (workers.bullmq > 0) {
    const now = Math.round(workers.bullmq * perWorker(5, 30_000));
    const tuned = Math.round(workers.bullmq * perWorker(60, 300_000));
    advice.push(
      `BullMQ: ${workers.bullmq} idle Worker(s) at the defaults (drainDelay 5 s, stalledInterval 30 s) send about ${now} requests/min; with { drainDelay: 60, stalledInterval: 300000 } about ${tuned}/min. drainDelay is in seconds, stalledInterval in ms; new jobs are still picked up within milliseconds.`,
      'Queues with delayed or scheduled jobs cannot idle below about 12 requests/min per Worker (the block is capped at 10 s). Prefer stalledInterval: 300000 over skipStalledCheck, which turns stall recovery off.',
    );
  }
  if (workers.legacy > 0) {
    const now = Math.round(workers.legacy * (60 / 5 + 60_000 / 5_000 + 60_000 / 30_000));
    advice.push(
      `Bull: ${workers.legacy} idle worker(s) at the defaults send about ${now} requests/min; settings { drainDelay: 60, guardInterval: 60000, stalledInterval: 300000 } bring that to about ${workers.legacy * 2}/min.`,
    );
  }
  return advice;
}
