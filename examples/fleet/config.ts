/**
 * What one fleet process is and does, read from its environment (pure). A fleet is one or more
 * processes: API-like producers, workers, or both, each with its own connection budget.
 */
import type { Plan } from '../../src/plan/schema.js';

export const FLEET_ROLES = ['produce', 'work', 'schedule'] as const;
export type FleetRole = (typeof FLEET_ROLES)[number];

export const TOPOLOGIES = ['per-queue', 'merged'] as const;
/** per-queue: one BullMQ queue per legacy queue; merged: every job in one BullMQ queue, routed by job name. */
export type Topology = (typeof TOPOLOGIES)[number];

/** The one BullMQ queue of the merged topology. */
export const MERGED_QUEUE = 'fleet-jobs';

export interface DrainOptions {
  /** How often a draining worker looks at the backlog it has left. */
  pollMs: number;
  /** The backlog must read zero twice, this far apart, before the worker stops. */
  settleMs: number;
  /** Longest wait for every live app instance to acknowledge the change before trusting the backlog. */
  ackTimeoutMs: number;
  /** After a worker stopped, keep an eye on its side this long in case a late job lands there. */
  watchMs: number;
}

export interface WorkerTuning {
  concurrency: number;
  /** Lock and stall detection (Bull and BullMQ); short values make a killed worker's jobs return sooner. */
  lockDurationMs: number;
  stalledIntervalMs: number;
}

export interface HttpRedisConfig {
  url: string;
  token: string;
}

export interface FleetOptions {
  /** Process name, part of every connection name (`fleet:<name>:<role>`) and job id. */
  name: string;
  roles: ReadonlySet<FleetRole>;
  redisUrl: string;
  namespace: string;
  plan: Plan;
  topology: Topology;
  /** Jobs per second over all queues (producers only). */
  rate: number;
  /** Simulated work per job, ms. */
  workMs: number;
  /** Cron (with seconds) of the repeatable jobs; the same in Bull and BullMQ so ticks line up. */
  repeatCron: string;
  /** Queues that carry one repeatable job each. */
  repeatQueues: string[];
  /** Cache and rate limiters used by the job handlers (the phase 1 part of the app). */
  kv: boolean;
  /** Endpoint for `@upstash/redis` when USE_HTTP_REDIS is on; without it the stores stay on TCP. */
  http: HttpRedisConfig | undefined;
  heartbeatMs: number;
  /** false: the app after phase 3, without the flags SDK (every queue on BullMQ). */
  flags: boolean;
  drain: DrainOptions;
  worker: WorkerTuning;
}

function num(env: Record<string, string | undefined>, name: string, fallback: number): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name}: expected a non-negative number, got "${text}"`);
  return value;
}

function list(text: string | undefined): string[] {
  return (text ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

/** One repeatable per tier by default: the first queue of each. */
export function defaultRepeatQueues(plan: Plan): string[] {
  return plan.tiers.map((tier) => tier.queues[0]).filter((queue): queue is string => Boolean(queue));
}

export function parseRoles(text: string | undefined): Set<FleetRole> {
  const roles = list(text ?? 'produce,work,schedule');
  for (const role of roles) {
    if (!(FLEET_ROLES as readonly string[]).includes(role)) throw new Error(`FLEET_ROLES: unknown role "${role}" (use ${FLEET_ROLES.join(', ')})`);
  }
  return new Set(roles as FleetRole[]);
}

/** FleetOptions from FLEET_* variables (see examples/fleet/README.md), the plan and REDIS_URL. */
export function fleetOptionsFromEnv(env: Record<string, string | undefined>, plan: Plan): FleetOptions {
  const topology = env.FLEET_TOPOLOGY || 'per-queue';
  if (!(TOPOLOGIES as readonly string[]).includes(topology)) throw new Error(`FLEET_TOPOLOGY: use ${TOPOLOGIES.join(' or ')}`);
  const known = new Set(plan.tiers.flatMap((tier) => tier.queues));
  const repeatQueues = env.FLEET_REPEAT_QUEUES === undefined ? defaultRepeatQueues(plan) : list(env.FLEET_REPEAT_QUEUES);
  for (const queue of repeatQueues) if (!known.has(queue)) throw new Error(`FLEET_REPEAT_QUEUES: "${queue}" is not a queue of the plan`);
  const name = env.FLEET_NAME || 'fleet';
  if (!/^[a-z0-9-]+$/i.test(name)) throw new Error('FLEET_NAME: letters, digits and "-" only');
  const url = env.UPSTASH_REDIS_REST_URL;
  const token = env.UPSTASH_REDIS_REST_TOKEN;
  return {
    name,
    roles: parseRoles(env.FLEET_ROLES),
    redisUrl: env.REDIS_URL || 'redis://127.0.0.1:6379',
    namespace: env.REDIS_MIGRATE_NAMESPACE || plan.namespace,
    plan,
    topology: topology as Topology,
    rate: num(env, 'FLEET_RATE', 20),
    workMs: num(env, 'FLEET_WORK_MS', 2),
    repeatCron: env.FLEET_REPEAT_CRON || '*/2 * * * * *',
    repeatQueues,
    kv: env.FLEET_KV !== '0',
    http: url && token ? { url, token } : undefined,
    heartbeatMs: num(env, 'FLEET_HEARTBEAT_MS', 5000),
    flags: env.FLEET_FLAGS !== 'off',
    drain: {
      pollMs: num(env, 'FLEET_DRAIN_POLL_MS', 250),
      settleMs: num(env, 'FLEET_DRAIN_SETTLE_MS', 1000),
      ackTimeoutMs: num(env, 'FLEET_ACK_TIMEOUT_MS', 15_000),
      watchMs: num(env, 'FLEET_DRAIN_WATCH_MS', 60_000),
    },
    worker: {
      concurrency: Math.max(1, num(env, 'FLEET_CONCURRENCY', 8)),
      lockDurationMs: num(env, 'FLEET_LOCK_MS', 30_000),
      stalledIntervalMs: num(env, 'FLEET_STALLED_MS', 30_000),
    },
  };
}
