/**
 * `monitor [--duration D] [--interval I] [--auto-rollback] [--ndjson]`: the soak window, measured.
 * Every interval: a sample (connections, command rates, job counts in both systems, backlog, SDK
 * instances) into the capped samples stream, thresholds from the plan, each tier's healthy soak
 * time. A breach is printed and audited; with --auto-rollback it rolls back as `rollback` does and
 * exits 3. Ctrl-C ends it cleanly with its summary.
 */
import type { CommandContext } from '../cli/context.js';
import { sleep } from '../cli/context.js';
import type { Outcome, Report } from '../cli/output.js';
import { EXIT, UsageError } from '../errors.js';
import { parseDuration } from '../plan/duration.js';
import { parseRedisUrl } from '../redis/url.js';
import { commandCost, deriveSample, idleAdvice, windowEntries, type Breach, type CommandCost, type Sample } from '../observe/samples.js';
import { readRawSample, type RawSample } from '../observe/sampler.js';
import { appendAudit } from '../state/audit.js';
import { readState } from '../state/flag-store.js';
import { effectiveBullmqTiers, effectiveSince } from '../state/model.js';
import { appendSample } from '../state/samples.js';
import { recordSoakSample } from '../state/soak-health.js';
import type { ChangeReport } from './change.js';

export interface MonitorOptions {
  duration?: string;
  interval?: string;
  autoRollback?: boolean;
  ndjson?: boolean;
}

export interface MonitorReport extends Report {
  namespace: string;
  redis: string;
  startedAt: number;
  endedAt: number;
  elapsedMs: number;
  intervalMs: number;
  durationMs: number | null;
  samples: number;
  stopped: 'duration' | 'interrupted' | 'breach';
  autoRollback: boolean;
  breaches: (Breach & { at: number })[];
  /** The rollback's own report when --auto-rollback fired. */
  rollback: ChangeReport | null;
  connections: { first: number; last: number; min: number; max: number; limit: number | null } | null;
  failureRate: { last: number | null; max: number | null; limit: number };
  /** Commands the app sent (server-side, Lua inner calls included, the monitor's own reads removed). */
  commands: (CommandCost & { perSecond: number }) | null;
  advice: string[];
  /** Healthy monitored time this run added per tier on BullMQ. */
  tiers: { tier: string; healthyMs: number; breached: boolean }[];
  stream: string;
  series: { at: number[]; connections: number[]; failureRate: (number | null)[] };
  last: Sample | null;
  format: 'human' | 'ndjson';
}

function parseMs(text: string, option: string): number {
  const ms = parseDuration(text) ?? (/^\d+$/.test(text) ? Number(text) : undefined);
  if (ms === undefined || ms <= 0) throw new UsageError(`option.${option}`, `invalid --${option} "${text}"`, { fix: 'give a duration like 30s, 10m or 24h' });
  return ms;
}

export async function run(ctx: CommandContext, options: MonitorOptions): Promise<Outcome<MonitorReport>> {
  if (options.ndjson && ctx.json) {
    throw new UsageError('usage.conflict', '--ndjson streams lines and --json prints one document', { fix: 'use one of them' });
  }
  if (options.autoRollback && !ctx.yes) {
    throw new UsageError('confirm.required', '--auto-rollback changes the flags without asking', {
      fix: 'add --yes to confirm up front that a breach may roll back (USE_BULLMQ=false)',
    });
  }
  const loaded = await ctx.plan();
  const { plan } = loaded;
  const keys = ctx.keys(loaded);
  const intervalMs = parseMs(options.interval ?? plan.monitor.interval, 'interval');
  const durationMs = options.duration ? parseMs(options.duration, 'duration') : null;
  const format = options.ndjson ? 'ndjson' : 'human';
  const client = await ctx.connect('monitor', loaded, { reconnect: true });
  const tierOrder = plan.tiers.map((tier) => tier.name);
  const windowSize = Math.max(1, Math.ceil(60_000 / intervalMs));

  const report: MonitorReport = {
    ok: true,
    namespace: ctx.namespace(loaded),
    redis: parseRedisUrl(ctx.redisUrl(loaded)).display,
    startedAt: 0,
    endedAt: 0,
    elapsedMs: 0,
    intervalMs,
    durationMs,
    samples: 0,
    stopped: 'duration',
    autoRollback: Boolean(options.autoRollback),
    breaches: [],
    rollback: null,
    connections: null,
    failureRate: { last: null, max: null, limit: plan.thresholds.maxFailureRate },
    commands: null,
    advice: [],
    tiers: [],
    stream: keys.samples,
    series: { at: [], connections: [], failureRate: [] },
    last: null,
    format,
  };
  const stdout = ctx.io.stdout as NodeJS.WriteStream;
  const tty = stdout.isTTY === true;
  const live = ctx.json ? null : await import('../cli/render/monitor.js');
  const { signal, dispose } = ctx.interruptSignal();
  const started = performance.now();
  let previous: RawSample | null = null;
  let first: RawSample | null = null;
  let cursors: Record<string, string> = {};
  let startBacklog: number | null = null;
  const window: Record<string, { finished: number; failed: number }[]> = {};
  const active = new Set<string>();
  const healthy = new Map<string, { healthyMs: number; breached: boolean }>();
  let ownExtra = 0;

  try {
    while (true) {
      const { state } = await readState(client, keys);
      const bullmqTiers = effectiveBullmqTiers(state, tierOrder);
      const raw = await readRawSample(client, plan, keys, cursors);
      cursors = raw.cursors;
      // The state read, the stream append and one soak script per tier on BullMQ are this monitor's too.
      raw.ownCommands += 2 + bullmqTiers.length + ownExtra;
      raw.ownByCommand.hgetall = (raw.ownByCommand.hgetall ?? 0) + 1;
      raw.ownByCommand.xadd = (raw.ownByCommand.xadd ?? 0) + 1 + ownExtra / 2;
      raw.ownByCommand.evalsha = (raw.ownByCommand.evalsha ?? 0) + bullmqTiers.length;
      const sample = deriveSample(previous, raw, { plan, bullmqTiers, startBacklog, window, windowSize });
      startBacklog ??= sample.backlog.total;
      for (const [queue, entry] of Object.entries(windowEntries(sample))) window[queue] = [...(window[queue] ?? []), entry].slice(-windowSize);
      first ??= raw;
      await appendSample(client, keys, sample, plan.monitor.maxSamples);

      for (const tier of bullmqTiers) {
        const since = effectiveSince(state, tier);
        if (since === null) continue;
        const concerning = sample.breaches.filter((breach) => breach.tiers.includes(tier));
        const added = concerning.length || !previous ? 0 : sample.intervalMs;
        await recordSoakSample(client, keys, { tier, since, healthyMs: added, breachAt: concerning.length ? raw.at : null, breach: concerning.map((b) => b.message).join('; ') || null });
        const entry = healthy.get(tier) ?? { healthyMs: 0, breached: false };
        entry.healthyMs += added;
        entry.breached ||= concerning.length > 0;
        healthy.set(tier, entry);
      }

      ownExtra = 0;
      const current = new Set<string>();
      for (const breach of sample.breaches) {
        const key = `${breach.threshold}:${breach.queue ?? ''}`;
        current.add(key);
        if (active.has(key)) continue;
        // Audit a breach when it starts, not at every sample it lasts.
        report.breaches.push({ ...breach, at: raw.at });
        ownExtra += 2;
        await appendAudit(client, keys, { kind: 'breach', actor: ctx.actor, command: 'monitor', reason: breach.message, details: { ...breach } });
        if (ctx.json || format === 'ndjson') ctx.log(`breach: ${breach.message}`);
      }
      active.clear();
      for (const key of current) active.add(key);

      report.samples++;
      report.last = sample;
      report.series.at.push(sample.at);
      report.series.connections.push(sample.connections.app);
      report.series.failureRate.push(sample.failureRate);
      summarize(report, first, raw, sample, plan, performance.now() - started, healthy);

      if (format === 'ndjson') stdout.write(`${JSON.stringify({ type: 'sample', ...sample })}\n`);
      else if (live) stdout.write(tty ? `\u001b[H\u001b[J${live.renderDashboard(report)}\n` : `${live.renderLine(sample)}\n`);

      const worthy = sample.breaches.filter((breach) => breach.rollbackWorthy);
      if (options.autoRollback && worthy.length) {
        const rollback = await import('./rollback.js');
        const outcome = await rollback.run(ctx, { wait: '2s', reason: `monitor: ${worthy.map((b) => b.message).join('; ')}`, via: 'monitor --auto-rollback' });
        report.rollback = outcome.report;
        report.stopped = 'breach';
        break;
      }
      previous = raw;
      const elapsed = performance.now() - started;
      if (durationMs !== null && elapsed >= durationMs) break;
      await sleep(durationMs === null ? intervalMs : Math.min(intervalMs, durationMs - elapsed), signal);
      if (signal.aborted) {
        report.stopped = 'interrupted';
        break;
      }
    }
  } finally {
    dispose();
  }
  if (tty && format === 'human' && live) stdout.write('\u001b[H\u001b[J');
  report.ok = report.breaches.length === 0;
  return { report, exitCode: report.ok ? EXIT.ok : EXIT.checkFailed };
}

function summarize(report: MonitorReport, first: RawSample, last: RawSample, sample: Sample, plan: Parameters<typeof deriveSample>[2]['plan'], elapsedMs: number, healthy: Map<string, { healthyMs: number; breached: boolean }>): void {
  const connections = report.series.connections;
  report.startedAt = first.at;
  report.endedAt = last.at;
  report.elapsedMs = Math.round(elapsedMs);
  report.connections = {
    first: connections[0] ?? 0,
    last: connections[connections.length - 1] ?? 0,
    min: Math.min(...connections),
    max: Math.max(...connections),
    limit: plan.thresholds.maxConnections ?? null,
  };
  const rates = report.series.failureRate.filter((rate): rate is number => rate !== null);
  report.failureRate = { last: sample.failureRate, max: rates.length ? Math.max(...rates) : null, limit: plan.thresholds.maxFailureRate };
  const seconds = (last.at - first.at) / 1000;
  if (seconds > 0) {
    // Own reads of every sample but the last (its counters were read before its own commands ran).
    const own = report.samples > 1 ? (report.samples - 1) * last.ownCommands : 0;
    const perSecond = Math.max(0, last.commands.total - first.commands.total - own) / seconds;
    report.commands = { perSecond: Math.round(perSecond * 100) / 100, ...commandCost(perSecond, plan.cost) };
  }
  report.advice = idleAdvice({ bullmq: sample.connections.byRole['bullmq-worker'], legacy: sample.connections.byRole['legacy-worker'] });
  report.tiers = [...healthy.entries()].map(([tier, entry]) => ({ tier, ...entry }));
}
