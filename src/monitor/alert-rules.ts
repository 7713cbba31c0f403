/**
 * Prometheus alerting rules over the monitor's metrics, with the plan's thresholds filled in.
 * `plan --prometheus-rules` prints them; monitoring/prometheus-rules.yml is this for the default
 * plan (a test keeps the two equal). Every alert names the runbook to follow. Pure.
 */
import { stringify } from 'yaml';
import type { Plan } from '../plan/schema.js';
import { METRICS as M } from './metric-catalogue.js';

export interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels: { severity: 'critical' | 'warning' };
  annotations: { summary: string; description: string; runbook: string; runbook_url?: string };
}

export interface RulesFile {
  groups: { name: string; rules: AlertRule[] }[];
}

/** BullMQ's failure ratio over the last 15 min may exceed legacy's (over a day) by this much before it alerts. */
export const BULLMQ_FAILURE_MARGIN = 0.005;

const percent = (ratio: number) => `${Math.round(ratio * 10_000) / 100} %`;

/** Per tier and monitor (job, instance and tier kept: several monitors may share tier names). */
function ratioOf(side: 'legacy' | 'bullmq', range: string): string {
  const failed = `sum without (queue, side) (rate(${M.failed.name}{side="${side}"}[${range}]))`;
  const completed = `sum without (queue, side) (rate(${M.completed.name}{side="${side}"}[${range}]))`;
  return `(${failed} / (${failed} + ${completed}))`;
}

export function alertRules(plan: Plan): RulesFile {
  const t = plan.thresholds;
  const base = plan.metrics.runbookBaseUrl?.replace(/\/?$/, '/');
  const runbook = (name: string) => ({ runbook: `runbooks/${name}.md`, ...(base ? { runbook_url: `${base}${name}.md` } : {}) });
  const rules: AlertRule[] = [
    {
      alert: 'RedisMigrateFailureRateHigh',
      expr: `${M.queueFailureRatio.name} > ${t.maxFailureRate} and on (job, instance, tier) ${M.tierSide.name}{side="bullmq"} == 1`,
      for: '2m',
      labels: { severity: 'critical' },
      annotations: {
        summary: 'Queue {{ $labels.queue }} ({{ $labels.tier }}, on BullMQ) fails {{ $value | humanizePercentage }} of its jobs',
        description: `Over the plan's thresholds.maxFailureRate of ${percent(t.maxFailureRate)} for 2 minutes (failed / finished over the last minute, both sides). The monitor records this breach against the tier's soak; --auto-rollback would roll back.`,
        ...runbook('rollback'),
      },
    },
    {
      alert: 'RedisMigrateBacklogGrowing',
      expr: `${M.backlogGrowth.name} > ${t.maxBacklogGrowth}`,
      for: '5m',
      labels: { severity: 'warning' },
      annotations: {
        summary: 'The job backlog grew by {{ $value }} jobs since the monitor started',
        description: `Over the plan's thresholds.maxBacklogGrowth of ${t.maxBacklogGrowth} jobs for 5 minutes: workers do not keep up on one side (see redis_migrate_backlog_jobs by side).`,
        ...runbook('phase2-tier'),
      },
    },
  ];
  if (t.maxConnections !== undefined) {
    rules.push({
      alert: 'RedisMigrateConnectionsOverMax',
      expr: `${M.appConnections.name} > ${t.maxConnections}`,
      for: '2m',
      labels: { severity: 'critical' },
      annotations: {
        summary: '{{ $value }} app connections to Redis',
        description: `Over the plan's thresholds.maxConnections of ${t.maxConnections} for 2 minutes.`,
        ...runbook('rollback'),
      },
    });
  }
  rules.push(
    {
      alert: 'RedisMigrateConnectionsOverBudget',
      expr: `${M.appConnections.name} > ignoring (bound) ${M.budget.name}{bound="peak"}`,
      for: '15m',
      labels: { severity: 'warning' },
      annotations: {
        summary: '{{ $value }} app connections, more than the plan predicts for this step',
        description:
          "Above the peak the plan's topology predicts for the current step (redis_migrate_connections_budget) for 15 minutes: legacy workers that did not stop, a connection leak, or a topology in the plan that is not the app's (see `redis-migrate connections`).",
        ...runbook('phase2-tier'),
      },
    },
    {
      alert: 'RedisMigrateBullmqFailsMoreThanLegacy',
      expr: `${ratioOf('bullmq', '15m')} > ${ratioOf('legacy', '1d')} + ${BULLMQ_FAILURE_MARGIN} and sum without (queue, side) (increase(${M.failed.name}{side="bullmq"}[15m]) + increase(${M.completed.name}{side="bullmq"}[15m])) >= ${t.failureRateMinJobs}`,
      for: '10m',
      labels: { severity: 'warning' },
      annotations: {
        summary: 'Tier {{ $labels.tier }} fails {{ $value | humanizePercentage }} of its jobs on BullMQ, more than it did on legacy',
        description: `BullMQ's failure ratio over 15 minutes is above the same tier's on legacy over the last day by more than ${percent(BULLMQ_FAILURE_MARGIN)} (and at least ${t.failureRateMinJobs} jobs finished on BullMQ), for 10 minutes: below the hard threshold, but the migration made it worse.`,
        ...runbook('rollback'),
      },
    },
    {
      alert: 'RedisMigrateSdkInstancesOutdated',
      expr: `${M.sdkOutdated.name} > 0`,
      for: '5m',
      labels: { severity: 'warning' },
      annotations: {
        summary: '{{ $value }} app instance(s) stuck on an old flags version',
        description:
          'Live flags SDK instances have not applied the current migration state version for 5 minutes: they may not follow a flip or a rollback (lost pub/sub connection, a store they cannot read). See `redis-migrate status` for which ones.',
        ...runbook('rollback'),
      },
    },
    {
      alert: 'RedisMigrateSoakInterrupted',
      expr: `increase(${M.soakRestarts.name}[1h]) > 0 or ${M.soakBreached.name} == 1`,
      labels: { severity: 'warning' },
      annotations: {
        summary: "Tier {{ $labels.tier }}'s soak window was interrupted",
        description: `Its soak stopped or restarted in the last hour (a rollback or a re-flip), or a threshold breach was recorded in it: the soak clock starts over and the next tier's gate stays closed until the tier soaks ${soakWindows(plan)} again without a breach.`,
        ...runbook('phase2-tier'),
      },
    },
    {
      alert: 'RedisMigrateMonitorRedisDown',
      expr: `${M.up.name} == 0`,
      for: '2m',
      labels: { severity: 'critical' },
      annotations: {
        summary: 'The redis-migrate monitor cannot read Redis',
        description:
          'Its samples fail (the other series keep their last values): Redis is down or unreachable from the monitor. No flip or cleanup until it is back.',
        ...runbook('redis-down'),
      },
    },
  );
  return { groups: [{ name: 'redis-migrate', rules }] };
}

function soakWindows(plan: Plan): string {
  return `its window (${plan.tiers.map((tier) => `${tier.name} ${tier.soak}`).join(', ')})`;
}

/** The rules as the YAML file Prometheus loads (rule_files). */
export function renderAlertRules(plan: Plan, source: string): string {
  const header = `# Prometheus alerting rules for redis-migrate's monitor metrics (docs/monitoring.md).\n# Thresholds from: ${source}. Regenerate with: redis-migrate plan --prometheus-rules\n`;
  return header + stringify(alertRules(plan), { lineWidth: 0 });
}
