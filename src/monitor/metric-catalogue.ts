/**
 * Every metric the monitor exports on /metrics: name, type, labels and help, in one list that the
 * exporter registers, the alert rules and the dashboard use, and a test checks the docs against.
 * Names follow Prometheus conventions: `redis_migrate_` prefix, base units in the name, `_total`
 * for counters, `_ratio` for 0..1, labels with a small fixed set of values. Pure (no prom-client).
 */

export interface MetricSpec {
  name: string;
  type: 'gauge' | 'counter';
  labels: readonly string[];
  help: string;
}

const gauge = (name: string, labels: readonly string[], help: string): MetricSpec => ({ name, type: 'gauge', labels, help });
const counter = (name: string, labels: readonly string[], help: string): MetricSpec => ({ name, type: 'counter', labels, help });

export const METRICS = {
  up: gauge('redis_migrate_up', [], '1 when the last sample read Redis, 0 when it failed (Redis away); the other series keep their last values meanwhile.'),
  info: gauge('redis_migrate_monitor_info', ['namespace'], 'Always 1; the migration state namespace this monitor watches.'),
  lastSample: gauge('redis_migrate_last_sample_timestamp_seconds', [], 'Server time of the last successful sample.'),
  sampleDuration: gauge('redis_migrate_sample_duration_seconds', [], 'Wall time the last sample took.'),
  interval: gauge('redis_migrate_monitor_interval_seconds', [], 'Time between samples.'),
  samples: counter('redis_migrate_samples_total', [], 'Samples taken by this monitor process (resets when it restarts).'),
  sampleFailures: counter('redis_migrate_sample_failures_total', [], 'Samples that failed, mostly Redis away (this process; resets when it restarts).'),
  ownCommands: gauge(
    'redis_migrate_monitor_redis_commands_per_sample',
    [],
    "Commands the monitor's last sample sent to Redis (its scripts' inner calls included); removed from the app's command rates.",
  ),

  connections: gauge(
    'redis_migrate_connections',
    ['role'],
    'Client connections by role, every node, this tool excluded from app counts (role="redis-migrate" is this tool).',
  ),
  tierConnections: gauge('redis_migrate_tier_connections', ['tier'], 'Client connections whose name says a queue of the tier.'),
  appConnections: gauge('redis_migrate_app_connections', [], "Client connections minus this tool's: what maxConnections and the budget compare."),
  budget: gauge(
    'redis_migrate_connections_budget',
    ['bound'],
    'Connections the plan\'s topology predicts for the current step: bound="steady" after legacy workers drained, "peak" during a flip.',
  ),
  maxConnections: gauge('redis_migrate_max_connections', [], "The plan's thresholds.maxConnections (absent when unset)."),

  commandsPerSecond: gauge(
    'redis_migrate_app_commands_per_second',
    [],
    "Commands per second the app sent over the last interval (server-side, Lua inner calls included, the monitor's own removed); NaN until the second sample.",
  ),
  commandCallsPerSecond: gauge(
    'redis_migrate_command_calls_per_second',
    ['command'],
    'The same by command, as INFO commandstats names them (e.g. "evalsha", "client|list"); commands seen with calls only.',
  ),

  queueJobs: gauge(
    'redis_migrate_queue_jobs',
    ['queue', 'tier', 'side', 'state'],
    'Jobs per queue on each side (legacy = Bull, bullmq) by state: waiting (incl. paused and prioritized), active, delayed, failed.',
  ),
  completed: counter(
    'redis_migrate_queue_jobs_completed_total',
    ['queue', 'tier', 'side'],
    'Jobs completed per queue and side since monitors first counted that queue; kept in Redis, so it carries on across monitor restarts.',
  ),
  failed: counter('redis_migrate_queue_jobs_failed_total', ['queue', 'tier', 'side'], 'Jobs failed per queue and side, counted like the completed ones.'),
  queueFailureRatio: gauge(
    'redis_migrate_queue_failure_ratio',
    ['queue', 'tier'],
    'Failed / finished jobs of the queue (both sides) over the last minute; NaN below thresholds.failureRateMinJobs finished jobs (too few to judge).',
  ),
  failureRatio: gauge(
    'redis_migrate_failure_ratio',
    [],
    'Failed / finished jobs over every queue and the last minute; NaN below the minimum of finished jobs.',
  ),
  maxFailureRatio: gauge('redis_migrate_max_failure_ratio', [], "The plan's thresholds.maxFailureRate."),
  backlog: gauge('redis_migrate_backlog_jobs', ['side'], 'Unfinished jobs (waiting, active, delayed, paused, prioritized) on each side.'),
  backlogGrowth: gauge('redis_migrate_backlog_growth_jobs', [], 'Backlog (both sides) now minus at the first sample of this monitor process.'),
  maxBacklogGrowth: gauge('redis_migrate_max_backlog_growth_jobs', [], "The plan's thresholds.maxBacklogGrowth."),

  sdkInstances: gauge(
    'redis_migrate_sdk_instances',
    ['version', 'source'],
    'Live flags SDK instances by the state version they applied and where their values come from (redis, env, last-known).',
  ),
  sdkKillSwitched: gauge('redis_migrate_sdk_instances_kill_switched', [], 'Live SDK instances pinned to legacy by USE_BULLMQ=false in their own environment.'),
  sdkOutdated: gauge('redis_migrate_sdk_instances_outdated', [], 'Live SDK instances that applied a version older than the store holds.'),

  stateVersion: gauge('redis_migrate_state_version', [], 'The migration state version (one more per flag change).'),
  flag: gauge('redis_migrate_flag_enabled', ['flag'], 'The master switches: flag="use_bullmq" (USE_BULLMQ), "use_http_redis" (USE_HTTP_REDIS); 1 on, 0 off.'),
  tierState: gauge('redis_migrate_tier_state', ['tier', 'state'], 'The state recorded for each tier: 1 for its state (legacy or bullmq), 0 for the other.'),
  tierSide: gauge(
    'redis_migrate_tier_effective_side',
    ['tier', 'side'],
    "Where each tier's queues run now (recorded state and USE_BULLMQ): 1 for that side, 0 for the other.",
  ),
  soakStarted: gauge(
    'redis_migrate_tier_soak_started_timestamp_seconds',
    ['tier'],
    "When the tier's current soak started (server time); absent while the tier is not on BullMQ.",
  ),
  soakElapsed: gauge('redis_migrate_tier_soak_elapsed_seconds', ['tier'], 'How long the tier has soaked on BullMQ; 0 while it is not on BullMQ.'),
  soakRequired: gauge('redis_migrate_tier_soak_required_seconds', ['tier'], "The tier's soak window from the plan."),
  soakHealthy: gauge(
    'redis_migrate_tier_soak_healthy_seconds',
    ['tier'],
    "Monitored time without a breach in the tier's current soak (what monitor.requireHealthySoak gates on).",
  ),
  soakBreached: gauge(
    'redis_migrate_tier_soak_breached',
    ['tier'],
    "1 when a breach was recorded in the tier's current soak (the next tier's gate stays closed).",
  ),
  soakRestarts: counter(
    'redis_migrate_tier_soak_restarts_total',
    ['tier'],
    'Soaks of the tier that monitors saw stop or restart (rollback, re-flip); kept in Redis.',
  ),

  breachesActive: gauge(
    'redis_migrate_breaches_active',
    ['threshold'],
    'Breaches in the last sample by threshold (maxConnections, maxFailureRate, maxBacklogGrowth); one per queue for failure rates.',
  ),
  breaches: counter('redis_migrate_breaches_total', ['threshold'], 'Breaches that started, by threshold (each audited once); kept in Redis.'),
} as const satisfies Record<string, MetricSpec>;

export type MetricKey = keyof typeof METRICS;

export const METRIC_NAMES: readonly string[] = Object.values(METRICS).map((metric) => metric.name);

/** Label values with a fixed set. */
export const JOB_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;
export const THRESHOLDS = ['maxConnections', 'maxFailureRate', 'maxBacklogGrowth'] as const;
