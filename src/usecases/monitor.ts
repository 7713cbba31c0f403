/**
 * `monitor [--duration D] [--interval I] [--auto-rollback] [--ndjson] [--metrics-port P]`: the soak
 * window, measured (src/monitor/loop.ts). This module parses the options, wires the live output,
 * the Prometheus endpoint and the rollback into the loop, and returns the summary. Without
 * --duration it runs until Ctrl-C or SIGTERM, as a service.
 */
import type { CommandContext } from '../cli/context.js';
import type { Outcome } from '../cli/output.js';
import { EXIT, UsageError } from '../errors.js';
import { parseDuration } from '../plan/duration.js';
import { parseRedisUrl } from '../redis/url.js';
import { runMonitor } from '../monitor/loop.js';
import type { LoopHealth, MetricsServer } from '../monitor/metrics-server.js';
import type { MonitorMetrics } from '../monitor/prometheus.js';
import type { Plan } from '../plan/schema.js';
import type { MonitorSummary } from '../monitor/summary.js';
import type { MonitorReportView } from '../cli/render/monitor.js';
import type { MonitorTick } from '../monitor/tick.js';
import type { ChangeReport } from './change.js';

export interface MonitorOptions {
  duration?: string;
  interval?: string;
  autoRollback?: boolean;
  ndjson?: boolean;
  metricsPort?: string;
  metricsHost?: string;
}

export interface MonitorReport extends MonitorReportView {
  /** The rollback's own report when --auto-rollback fired. */
  rollback: ChangeReport | null;
}

function parseMs(text: string, option: string): number {
  const ms = parseDuration(text) ?? (/^\d+$/.test(text) ? Number(text) : undefined);
  if (ms === undefined || ms <= 0) throw new UsageError(`option.${option}`, `invalid --${option} "${text}"`, { fix: 'give a duration like 30s, 10m or 24h' });
  return ms;
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65_535) throw new UsageError('option.metrics-port', `invalid --metrics-port "${text}"`, { fix: 'give a port from 1 to 65535 (0: any free port)' });
  return port;
}

async function serveMetrics(options: { host: string; port: number; namespace: string; intervalMs: number; plan: Plan; health: () => LoopHealth }): Promise<{ metrics: MonitorMetrics; server: MetricsServer }> {
  // prom-client is loaded here only: no other command (nor the app's entry points) pays for it.
  const [{ MonitorMetrics }, { startMetricsServer }] = await Promise.all([import('../monitor/prometheus.js'), import('../monitor/metrics-server.js')]);
  const metrics = new MonitorMetrics(options.plan, options.namespace, options.intervalMs);
  try {
    const server = await startMetricsServer({ host: options.host, port: options.port, source: metrics, health: options.health, intervalMs: options.intervalMs });
    return { metrics, server };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new UsageError('metrics.port-in-use', `port ${options.port} on ${options.host} is already in use`, { fix: 'choose another --metrics-port (0 picks a free one)' });
    if (code === 'EACCES' || code === 'EADDRNOTAVAIL') throw new UsageError('metrics.listen', `cannot listen on ${options.host}:${options.port} (${code})`, { fix: 'check --metrics-host and --metrics-port (ports below 1024 need privileges)' });
    throw error;
  }
}

export async function run(ctx: CommandContext, options: MonitorOptions): Promise<Outcome<MonitorReport>> {
  if (options.ndjson && ctx.json) throw new UsageError('usage.conflict', '--ndjson streams lines and --json prints one document', { fix: 'use one of them' });
  if (options.autoRollback && !ctx.yes) {
    throw new UsageError('confirm.required', '--auto-rollback changes the flags without asking', {
      fix: 'add --yes to confirm up front that a breach may roll back (USE_BULLMQ=false)',
    });
  }
  const loaded = await ctx.plan();
  const { plan } = loaded;
  const keys = ctx.keys(loaded);
  const namespace = ctx.namespace(loaded);
  const intervalMs = parseMs(options.interval ?? plan.monitor.interval, 'interval');
  const durationMs = options.duration ? parseMs(options.duration, 'duration') : null;
  const metricsPort = options.metricsPort !== undefined ? parsePort(options.metricsPort) : plan.metrics.port;
  const format = options.ndjson ? 'ndjson' : 'human';
  // Reconnects in the background; while Redis is away a sample fails at once instead of queueing.
  const client = await ctx.connect('monitor', loaded, { reconnect: true, failFast: true });

  const health: LoopHealth = { lastIterationAt: null, startedAt: Date.now(), redisUp: null, samples: 0, failedSamples: 0 };
  const { signal, dispose } = ctx.interruptSignal();
  let served: MetricsServer | null = null;
  let metrics: MonitorMetrics | null = null;
  const stdout = ctx.io.stdout as NodeJS.WriteStream;
  const tty = stdout.isTTY === true;
  const live = ctx.json || format === 'ndjson' ? null : await import('../cli/render/monitor.js');
  const header = { namespace, redis: parseRedisUrl(ctx.redisUrl(loaded)).display, intervalMs, durationMs, autoRollback: Boolean(options.autoRollback) };

  try {
    if (metricsPort !== undefined) {
      ({ metrics, server: served } = await serveMetrics({ host: options.metricsHost ?? plan.metrics.host, port: metricsPort, namespace, intervalMs, plan, health: () => health }));
      ctx.log(`monitor: metrics on ${served.url}/metrics, health on ${served.url}/healthz`);
    }
    const onTick = (tick: MonitorTick, summary: MonitorSummary) => {
      if (health.redisUp === false) ctx.log('monitor: Redis answers again');
      Object.assign(health, { lastIterationAt: Date.now(), redisUp: true, samples: health.samples + 1 });
      metrics?.update(tick);
      for (const breach of tick.started) if (ctx.json || format === 'ndjson') ctx.log(`breach: ${breach.message}`);
      if (format === 'ndjson') stdout.write(`${JSON.stringify({ type: 'sample', ...tick.sample })}\n`);
      else if (live) stdout.write(tty ? `\u001b[H\u001b[J${live.renderDashboard({ ...header, ...summary })}\n` : `${live.renderLine(tick.sample)}\n`);
    };
    const onSampleError = (error: Error) => {
      if (health.redisUp !== false) ctx.log(`monitor: sample failed (${error.message}); metrics keep their last values with redis_migrate_up 0, retrying every ${intervalMs} ms`);
      Object.assign(health, { lastIterationAt: Date.now(), redisUp: false, failedSamples: health.failedSamples + 1 });
      metrics?.sampleFailed();
    };
    const rollback = options.autoRollback
      ? async (breaches: { message: string }[]) => {
          // The shared change logic, as `rollback` runs it; not the rollback command (no re-read plan, no output).
          const { rollBack } = await import('./rollback.js');
          return rollBack(ctx, loaded, { waitMs: 2000, reason: `monitor: ${breaches.map((b) => b.message).join('; ')}`, via: 'monitor --auto-rollback' });
        }
      : undefined;
    const result = await runMonitor<ChangeReport>({ client, plan, keys, actor: ctx.actor, intervalMs, durationMs, signal, onTick, onSampleError, ...(rollback ? { rollback } : {}) });
    if (tty && live) stdout.write('\u001b[H\u001b[J');
    const report: MonitorReport = {
      ok: result.summary.breaches.length === 0,
      ...header,
      ...result.summary,
      elapsedMs: result.elapsedMs,
      stopped: result.stopped,
      rollback: result.rollback,
      metrics: served ? { url: `${served.url}/metrics` } : null,
      stream: keys.samples,
      format,
    };
    return { report, exitCode: report.ok ? EXIT.ok : EXIT.checkFailed };
  } finally {
    dispose();
    await served?.close();
  }
}
