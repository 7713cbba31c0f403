/**
 * The monitor's samples as Prometheus metrics (prom-client). Values are set once per sample, so a
 * scrape only serializes what is there. Loaded only by the monitor, and only when it serves metrics.
 */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { Plan } from '../plan/schema.js';
import { QUEUE_SYSTEMS } from '../observe/queue-keys.js';
import { ROLES } from '../observe/classify.js';
import { TIER_STATES } from '../state/model.js';
import { JOB_STATES, METRICS, THRESHOLDS, type MetricKey } from './metric-catalogue.js';
import type { MonitorTick } from './tick.js';

type Metric = Gauge<string> | Counter<string>;

export class MonitorMetrics {
  readonly registry = new Registry();
  private readonly metrics = {} as Record<MetricKey, Metric>;
  constructor(plan: Plan, namespace: string, intervalMs: number) {
    for (const [key, spec] of Object.entries(METRICS) as [MetricKey, (typeof METRICS)[MetricKey]][]) {
      // prom-client shows an unlabelled gauge as 0 from the start: a threshold the plan leaves unset stays absent instead.
      if (key === 'maxConnections' && plan.thresholds.maxConnections === undefined) continue;
      const options = { name: spec.name, help: spec.help, labelNames: [...spec.labels], registers: [this.registry] };
      this.metrics[key] = spec.type === 'counter' ? new Counter(options) : new Gauge(options);
    }
    // process_* and nodejs_*: memory, CPU and event-loop lag of a long-running service.
    collectDefaultMetrics({ register: this.registry });
    this.gauge('info').set({ namespace }, 1);
    this.gauge('up').set(0);
    this.gauge('interval').set(intervalMs / 1000);
    this.gauge('maxFailureRatio').set(plan.thresholds.maxFailureRate);
    this.gauge('maxBacklogGrowth').set(plan.thresholds.maxBacklogGrowth);
    if (plan.thresholds.maxConnections !== undefined) this.gauge('maxConnections').set(plan.thresholds.maxConnections);
    this.counter('samples').inc(0);
    this.counter('sampleFailures').inc(0);
  }

  private gauge(key: MetricKey): Gauge<string> {
    return this.metrics[key] as Gauge<string>;
  }

  private counter(key: MetricKey): Counter<string> {
    return this.metrics[key] as Counter<string>;
  }

  /** A counter whose value lives in Redis: set to it (monotonic as long as the source is). */
  private setTotal(key: MetricKey, labels: Record<string, string>, value: number): void {
    this.counter(key).inc(labels, Math.max(0, value));
  }

  /** Every value from one sample. */
  update(tick: MonitorTick): void {
    const { sample, state, totals } = tick;
    this.gauge('up').set(1);
    this.gauge('lastSample').set(sample.at / 1000);
    this.gauge('sampleDuration').set(tick.tookMs / 1000);
    this.gauge('ownCommands').set(tick.ownCommands);
    this.counter('samples').inc();

    for (const role of ROLES) this.gauge('connections').set({ role }, sample.connections.byRole[role] ?? 0);
    const tierConnections = this.gauge('tierConnections');
    tierConnections.reset();
    for (const [tier, count] of Object.entries(sample.connections.byTier)) tierConnections.set({ tier }, count);
    this.gauge('appConnections').set(sample.connections.app);
    this.gauge('budget').set({ bound: 'steady' }, tick.budget.steady);
    this.gauge('budget').set({ bound: 'peak' }, tick.budget.peak);

    const perCommand = this.gauge('commandCallsPerSecond');
    perCommand.reset();
    // NaN, not 0, where there is nothing to divide yet: comparisons with it are false, graphs show a gap.
    this.gauge('commandsPerSecond').set(sample.commands.perSecond ?? Number.NaN);
    for (const [command, perSecond] of Object.entries(sample.commands.byCommand)) perCommand.set({ command }, perSecond);

    const ratio = this.gauge('queueFailureRatio');
    this.counter('completed').reset();
    this.counter('failed').reset();
    for (const [queue, q] of Object.entries(sample.queues)) {
      const tier = q.tier;
      for (const side of QUEUE_SYSTEMS) {
        for (const jobState of JOB_STATES) this.gauge('queueJobs').set({ queue, tier, side, state: jobState }, q[side][jobState]);
        const finished = totals.jobs[queue]?.[side];
        this.setTotal('completed', { queue, tier, side }, finished?.completed ?? 0);
        this.setTotal('failed', { queue, tier, side }, finished?.failed ?? 0);
      }
      ratio.set({ queue, tier }, q.failureRate ?? Number.NaN);
    }
    this.gauge('failureRatio').set(sample.failureRate ?? Number.NaN);
    this.gauge('backlog').set({ side: 'legacy' }, sample.backlog.legacy);
    this.gauge('backlog').set({ side: 'bullmq' }, sample.backlog.bullmq);
    this.gauge('backlogGrowth').set(sample.backlog.growth);

    const instances = this.gauge('sdkInstances');
    instances.reset();
    for (const group of sample.instances.groups) instances.set({ version: String(group.version), source: group.source }, group.count);
    this.gauge('sdkKillSwitched').set(sample.instances.killSwitched);
    this.gauge('sdkOutdated').set(sample.instances.groups.filter((group) => group.version < state.version).reduce((sum, group) => sum + group.count, 0));

    this.gauge('stateVersion').set(state.version);
    this.gauge('flag').set({ flag: 'use_bullmq' }, state.useBullmq ? 1 : 0);
    this.gauge('flag').set({ flag: 'use_http_redis' }, state.useHttpRedis ? 1 : 0);
    this.gauge('soakStarted').reset();
    this.counter('soakRestarts').reset();
    for (const tier of tick.tiers) {
      for (const value of TIER_STATES) {
        this.gauge('tierState').set({ tier: tier.name, state: value }, tier.state === value ? 1 : 0);
        this.gauge('tierSide').set({ tier: tier.name, side: value }, tier.effective === value ? 1 : 0);
      }
      if (tier.soak.startedAt !== null) this.gauge('soakStarted').set({ tier: tier.name }, tier.soak.startedAt / 1000);
      this.gauge('soakElapsed').set({ tier: tier.name }, tier.soak.elapsedMs / 1000);
      this.gauge('soakRequired').set({ tier: tier.name }, tier.soak.requiredMs / 1000);
      const current = tier.health && tier.health.since === tier.soak.startedAt ? tier.health : null;
      this.gauge('soakHealthy').set({ tier: tier.name }, (current?.healthyMs ?? 0) / 1000);
      this.gauge('soakBreached').set({ tier: tier.name }, current?.breachAt != null ? 1 : 0);
      this.setTotal('soakRestarts', { tier: tier.name }, tier.health?.restarts ?? 0);
    }

    this.counter('breaches').reset();
    for (const threshold of THRESHOLDS) {
      this.gauge('breachesActive').set({ threshold }, sample.breaches.filter((breach) => breach.threshold === threshold).length);
      this.setTotal('breaches', { threshold }, totals.breaches[threshold] ?? 0);
    }
  }

  /** A sample failed: Redis is away. Everything else keeps its last value. */
  sampleFailed(): void {
    this.gauge('up').set(0);
    this.counter('sampleFailures').inc();
  }

  metricsText(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
