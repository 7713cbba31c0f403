/**
 * The soak, measured, as a service: the sample loop (src/monitor/loop.ts) with its health, the
 * Prometheus endpoint when asked, and the rollback on a breach when asked. Live output goes through
 * `onTick`; it returns the summary. It runs until the duration is over or the environment is interrupted.
 */
import { UsageError } from '../errors.js';
import type { LoadedPlan } from '../plan/load-plan.js';
import { parseRedisUrl } from '../redis/url.js';
import { runMonitor } from '../monitor/loop.js';
import type { LoopHealth, MetricsServer } from '../monitor/metrics-server.js';
import type { MonitorMetrics } from '../monitor/prometheus.js';
import type { Plan } from '../plan/schema.js';
import type { MonitorSummary } from '../monitor/summary.js';
import type { MonitorTick } from '../monitor/tick.js';
import type { ChangeReport } from './change.js';
import type { Environment } from './environment.js';
import type { Report } from './report.js';

export interface MonitorRequest {
  intervalMs: number;
  /** Stop after this long; null: until interrupted, as a service. */
  durationMs: number | null;
  /** Serve Prometheus /metrics and /healthz there (port 0: any free port); undefined: none. */
  metrics?: { host: string; port: number } | undefined;
  /** On a rollback-worthy breach, roll back as `rollback` does, then stop. */
  autoRollback: boolean;
  /** After every sample: live output. */
  onTick?(tick: MonitorTick, view: MonitorView): void;
}

/** What the live dashboard shows: the summary so far and how the monitor runs. */
export interface MonitorView extends MonitorSummary {
  namespace: string;
  redis: string;
  intervalMs: number;
  durationMs: number | null;
  autoRollback: boolean;
}

export interface MonitorReport extends MonitorView, Report {
  elapsedMs: number;
  stopped: 'duration' | 'interrupted' | 'breach';
  /** The rollback's own report when the auto-rollback fired. */
  rollback: ChangeReport | null;
  metrics: { url: string } | null;
  /** The Redis stream the samples were written to. */
  stream: string;
}

async function serveMetrics(options: {
  host: string;
  port: number;
  namespace: string;
  intervalMs: number;
  plan: Plan;
  health: () => LoopHealth;
}): Promise<{ metrics: MonitorMetrics; server: MetricsServer }> {
  // prom-client is loaded here only: no other command (nor the app's entry points) pays for it.
  const [{ MonitorMetrics }, { startMetricsServer }] = await Promise.all([import('../monitor/prometheus.js'), import('../monitor/metrics-server.js')]);
  const metrics = new MonitorMetrics(options.plan, options.namespace, options.intervalMs);
  try {
    const server = await startMetricsServer({
      host: options.host,
      port: options.port,
      source: metrics,
      health: options.health,
      intervalMs: options.intervalMs,
    });
    return { metrics, server };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw new UsageError('metrics.port-in-use', `port ${options.port} on ${options.host} is already in use`, {
        fix: 'choose another --metrics-port (0 picks a free one)',
      });
    if (code === 'EACCES' || code === 'EADDRNOTAVAIL')
      throw new UsageError('metrics.listen', `cannot listen on ${options.host}:${options.port} (${code})`, {
        fix: 'check --metrics-host and --metrics-port (ports below 1024 need privileges)',
      });
    throw error;
  }
}

export async function monitorSoak(env: Environment, loaded: LoadedPlan, options: MonitorRequest): Promise<MonitorReport> {
  const { plan } = loaded;
  const keys = env.keys(loaded);
  const namespace = env.namespace(loaded);
  const { intervalMs, durationMs } = options;
  // Reconnects in the background; while Redis is away a sample fails at once instead of queueing.
  const client = await env.connect('monitor', loaded, { reconnect: true, failFast: true });

  const health: LoopHealth = { lastIterationAt: null, startedAt: Date.now(), redisUp: null, samples: 0, failedSamples: 0 };
  const { signal, dispose } = env.interruptSignal();
  let served: MetricsServer | null = null;
  let metrics: MonitorMetrics | null = null;
  const header = { namespace, redis: parseRedisUrl(env.redisUrl(loaded)).display, intervalMs, durationMs, autoRollback: options.autoRollback };

  try {
    if (options.metrics) {
      ({ metrics, server: served } = await serveMetrics({ ...options.metrics, namespace, intervalMs, plan, health: () => health }));
      env.log(`monitor: metrics on ${served.url}/metrics, health on ${served.url}/healthz`);
    }
    const onTick = (tick: MonitorTick, summary: MonitorSummary) => {
      if (health.redisUp === false) env.log('monitor: Redis answers again');
      Object.assign(health, { lastIterationAt: Date.now(), redisUp: true, samples: health.samples + 1 });
      metrics?.update(tick);
      options.onTick?.(tick, { ...header, ...summary });
    };
    const onSampleError = (error: Error) => {
      if (health.redisUp !== false)
        env.log(`monitor: sample failed (${error.message}); metrics keep their last values with redis_migrate_up 0, retrying every ${intervalMs} ms`);
      Object.assign(health, { lastIterationAt: Date.now(), redisUp: false, failedSamples: health.failedSamples + 1 });
      metrics?.sampleFailed();
    };
    const rollback = options.autoRollback
      ? async (breaches: { message: string }[]) => {
          // The rollback use-case on the plan already loaded, as `rollback` runs it.
          const { rollBack } = await import('./rollback.js');
          return rollBack(env, loaded, { waitMs: 2000, reason: `monitor: ${breaches.map((b) => b.message).join('; ')}`, via: 'monitor --auto-rollback' });
        }
      : undefined;
    const result = await runMonitor<ChangeReport>({
      client,
      plan,
      keys,
      actor: env.actor,
      intervalMs,
      durationMs,
      signal,
      onTick,
      onSampleError,
      ...(rollback ? { rollback } : {}),
    });
    return {
      ok: result.summary.breaches.length === 0,
      ...header,
      ...result.summary,
      elapsedMs: result.elapsedMs,
      stopped: result.stopped,
      rollback: result.rollback,
      metrics: served ? { url: `${served.url}/metrics` } : null,
      stream: keys.samples,
    };
  } finally {
    dispose();
    await served?.close();
  }
}
