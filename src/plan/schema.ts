/**
 * The plan file's shape. `validatePlan` is pure: it takes the parsed JSON/YAML value and returns
 * the typed plan with defaults filled in, or every problem with its path.
 */
import { parseDuration } from './duration.js';
import {
  array,
  boolean,
  duration,
  number,
  object,
  oneOf,
  optional,
  string,
  type Infer,
  type SchemaIssue,
} from './schema-kit.js';
import { defaultTopology, topologyIssues, topologySchema } from './topology-schema.js';

export const LEGACY_LIBRARIES = ['bull'] as const;

const NAME = /^[a-z0-9][a-z0-9._-]*$/i;
const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;
// Braces are allowed in prefixes on purpose: `{bullmq}` is how BullMQ runs on Redis Cluster.
const PREFIX = /^[^\s:]+$/;
const QUEUE = /^[^\s:]+$/;

const tierSchema = object({
  name: string({ pattern: NAME, expected: 'a tier name (letters, digits, "-", "_", ".")' }),
  queues: array(string({ pattern: QUEUE, expected: 'a queue name without spaces or ":"' }), { minLength: 1 }),
  soak: duration(),
  /** The first part of the soak that needs close watching (critical tier: 2h of 26h). */
  watch: optional(duration()),
});

const hookSchema = object({
  name: optional(string({ minLength: 1 })),
  command: array(string({ minLength: 1, expected: 'a non-empty string' }), { minLength: 1 }),
  timeout: optional(duration(), () => '30s'),
});

export const planSchema = object({
  version: optional(oneOf(['1'] as const), () => '1' as const),
  namespace: optional(string({ pattern: NAME, expected: 'a namespace (letters, digits, "-", "_", ".")' }), () => 'default'),
  redis: optional(object({ url: optional(string({ minLength: 1 })) }), () => ({ url: undefined })),
  legacy: optional(
    object({
      library: optional(oneOf(LEGACY_LIBRARIES), () => 'bull' as const),
      prefix: optional(string({ pattern: PREFIX, expected: 'a key prefix without spaces or ":"' }), () => 'bull'),
    }),
    () => ({ library: 'bull' as const, prefix: 'bull' }),
  ),
  bullmq: optional(
    object({ prefix: optional(string({ pattern: PREFIX, expected: 'a key prefix without spaces or ":"' }), () => 'bullmq') }),
    () => ({ prefix: 'bullmq' }),
  ),
  tiers: array(tierSchema, { minLength: 1 }),
  flags: optional(
    object({
      useBullmq: optional(string({ pattern: ENV_NAME, expected: 'an environment variable name' }), () => 'USE_BULLMQ'),
      bullmqTiers: optional(string({ pattern: ENV_NAME, expected: 'an environment variable name' }), () => 'BULLMQ_TIERS'),
      useHttpRedis: optional(string({ pattern: ENV_NAME, expected: 'an environment variable name' }), () => 'USE_HTTP_REDIS'),
    }),
    () => ({ useBullmq: 'USE_BULLMQ', bullmqTiers: 'BULLMQ_TIERS', useHttpRedis: 'USE_HTTP_REDIS' }),
  ),
  sinks: optional(
    object({
      dotenv: optional(object({ path: string({ minLength: 1, expected: 'a file path' }) })),
      hooks: optional(array(hookSchema), () => []),
    }),
    () => ({ dotenv: undefined, hooks: [] }),
  ),
  thresholds: optional(
    object({
      maxConnections: optional(number({ integer: true, min: 1 })),
      maxFailureRate: optional(number({ min: 0, max: 1 }), () => 0.01),
      maxBacklogGrowth: optional(number({ integer: true, min: 0 }), () => 1000),
      /** Jobs that must finish in a sample before its failure rate is judged (1 failure of 1 job is not 100 %). */
      failureRateMinJobs: optional(number({ integer: true, min: 1 }), () => 5),
    }),
    () => ({ maxConnections: undefined, maxFailureRate: 0.01, maxBacklogGrowth: 1000, failureRateMinJobs: 5 }),
  ),
  /** The app's processes, for the connection budget `plan` shows. */
  topology: optional(topologySchema, defaultTopology),
  /** What the migration aims for; `plan` says whether the topology can reach it. */
  target: optional(object({ connections: optional(number({ integer: true, min: 1 })) }), () => ({ connections: undefined })),
  /** Price of commands, for the monitor's projected monthly cost (Upstash pay-as-you-go: 0.20 USD per 100k). */
  cost: optional(
    object({
      per100kCommands: optional(number({ min: 0 }), () => 0.2),
      currency: optional(string({ pattern: /^[A-Z]{3}$/, expected: 'a currency code like "USD"' }), () => 'USD'),
    }),
    () => ({ per100kCommands: 0.2, currency: 'USD' }),
  ),
  monitor: optional(
    object({
      /** Default --interval of `monitor`. */
      interval: optional(duration(), () => '10s'),
      /** Samples kept in the capped stream (about that many; trimmed with MAXLEN ~). */
      maxSamples: optional(number({ integer: true, min: 10 }), () => 10000),
      /** gate.soak also requires the monitor to have watched the previous tier healthy for its whole window. */
      requireHealthySoak: optional(boolean(), () => false),
    }),
    () => ({ interval: '10s', maxSamples: 10000, requireHealthySoak: false }),
  ),
  lock: optional(object({ ttl: optional(duration(), () => '30s') }), () => ({ ttl: '30s' })),
  confirm: optional(object({ requireReasonForForce: optional(boolean(), () => true) }), () => ({
    requireReasonForForce: true,
  })),
});

export type Plan = Infer<typeof planSchema>;
export type PlanTier = Plan['tiers'][number];
export type PlanHook = Plan['sinks']['hooks'][number];
export type FlagNames = Plan['flags'];

export type PlanValidation = { ok: true; plan: Plan } | { ok: false; issues: SchemaIssue[] };

/** Rules that span fields: unique tier and queue names, sane soak windows. */
function crossFieldIssues(plan: Plan): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  const tierNames = new Map<string, number>();
  const queueTier = new Map<string, string>();
  plan.tiers.forEach((tier, index) => {
    const seen = tierNames.get(tier.name);
    if (seen !== undefined) issues.push({ path: `tiers[${index}].name`, message: `duplicate tier "${tier.name}" (also tiers[${seen}])` });
    tierNames.set(tier.name, index);
    tier.queues.forEach((queue, q) => {
      const owner = queueTier.get(queue);
      if (owner !== undefined) {
        issues.push({ path: `tiers[${index}].queues[${q}]`, message: `queue "${queue}" is already in tier "${owner}"` });
      }
      queueTier.set(queue, tier.name);
    });
    if (tier.watch && (parseDuration(tier.watch) ?? 0) > (parseDuration(tier.soak) ?? 0)) {
      issues.push({ path: `tiers[${index}].watch`, message: `the watch window (${tier.watch}) is longer than the soak (${tier.soak})` });
    }
  });
  issues.push(...topologyIssues(plan.topology, plan.tiers.flatMap((tier) => tier.queues)));
  const flagNames = Object.values(plan.flags);
  if (new Set(flagNames).size !== flagNames.length) {
    issues.push({ path: 'flags', message: 'flag names must differ from each other' });
  }
  return issues;
}

export function validatePlan(raw: unknown): PlanValidation {
  const issues: SchemaIssue[] = [];
  const plan = planSchema.parse(raw, '', issues);
  if (!plan) return { ok: false, issues };
  const more = crossFieldIssues(plan);
  return more.length ? { ok: false, issues: more } : { ok: true, plan };
}

export function formatIssue(issue: SchemaIssue): string {
  return `${issue.path}: ${issue.message}`;
}
