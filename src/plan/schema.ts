/**
 * The plan file's shape. `validatePlan` is pure: it takes the parsed JSON/YAML value and returns
 * the typed plan with defaults filled in, or every problem with its path.
 */
import { hookCommandIssues } from '../sinks/hook-command.js';
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

export const RATE_LIMIT_ALGORITHMS = ['slidingWindow', 'fixedWindow', 'tokenBucket'] as const;

const rateLimiterSchema = object({
  name: string({ pattern: NAME, expected: 'a limiter name (letters, digits, "-", "_", ".")' }),
  algorithm: oneOf(RATE_LIMIT_ALGORITHMS),
  /** Requests per window (tokenBucket: the bucket size). */
  limit: number({ integer: true, min: 1 }),
  window: duration(),
  /** tokenBucket only: tokens added per window (default: limit). */
  refillRate: optional(number({ integer: true, min: 1 })),
  /** The `prefix` the app gives `Ratelimit` (its default is "@upstash/ratelimit"). */
  prefix: optional(string({ minLength: 1 }), () => '@upstash/ratelimit'),
  /** The app's `Ratelimit` timeout ("0s": none). After it, @upstash/ratelimit lets requests through. */
  timeout: optional(duration(), () => '5s'),
});

const HTTP_URL = /^https?:\/\/[^\s#$./?].\S*$/;

const httpSchema = object({
  /** The REST URL; UPSTASH_REDIS_REST_URL wins. */
  url: optional(string({ pattern: HTTP_URL, expected: 'an http(s):// URL' })),
  /** The environment variable that holds the REST token: the token itself never goes in the plan. */
  tokenEnv: optional(string({ pattern: ENV_NAME, expected: 'an environment variable name' }), () => 'UPSTASH_REDIS_REST_TOKEN'),
  /** http.latency warns when the median request takes longer. */
  latencyWarnMs: optional(number({ min: 0 }), () => 50),
  /** Key patterns (SCAN MATCH syntax) of the cache, for http.deserialization. */
  cacheKeyPatterns: optional(array(string({ minLength: 1 })), () => []),
  /** Keys sampled per pattern. */
  sampleSize: optional(number({ integer: true, min: 1, max: 1000 }), () => 50),
  /** The app's `automaticDeserialization` setting; unset means not decided yet. */
  automaticDeserialization: optional(boolean()),
  rateLimiters: optional(array(rateLimiterSchema), () => []),
  /** How long http.command-budget measures the traffic. */
  budgetWindow: optional(duration(), () => '5s'),
  /** http.command-budget warns when the projected monthly cost is higher (in cost.currency). */
  monthlyBudget: optional(number({ min: 0 })),
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
  target: optional(
    object({
      connections: optional(number({ integer: true, min: 1 })),
      /** Commands per minute the app may send while idle, checked by `phase3 verify` (server-side count). */
      idleCommandsPerMinute: optional(number({ min: 0 })),
    }),
    () => ({ connections: undefined, idleCommandsPerMinute: undefined }),
  ),
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
  /** The monitor's Prometheus endpoint and the alert rules `plan --prometheus-rules` prints. */
  metrics: optional(
    object({
      /** Serve /metrics and /healthz on this port whenever `monitor` runs (--metrics-port wins; 0: any free port). */
      port: optional(number({ integer: true, min: 0, max: 65_535 })),
      /** Interface to listen on; 0.0.0.0 in a container so Prometheus can reach it. */
      host: optional(string({ minLength: 1 }), () => '127.0.0.1'),
      /** Where the runbooks are published (e.g. your repository's runbooks/ folder): alerts link there as runbook_url. */
      runbookBaseUrl: optional(string({ pattern: HTTP_URL, expected: 'an http(s):// URL' })),
    }),
    () => ({ port: undefined, host: '127.0.0.1', runbookBaseUrl: undefined }),
  ),
  lock: optional(object({ ttl: optional(duration(), () => '30s') }), () => ({ ttl: '30s' })),
  http: optional(httpSchema, () => defaultHttp()),
  /** The app's source code, for `scan` and the code.legacy-usage check; paths relative to the plan file. */
  code: optional(
    object({
      paths: optional(array(string({ minLength: 1, expected: 'a path' })), () => []),
      /** More gitignore-style patterns to skip (node_modules, build output and .gitignore'd files are skipped anyway). */
      ignore: optional(array(string({ minLength: 1, expected: 'a gitignore pattern' })), () => []),
    }),
    () => ({ paths: [], ignore: [] }),
  ),
  confirm: optional(object({ requireReasonForForce: optional(boolean(), () => true) }), () => ({
    requireReasonForForce: true,
  })),
});

function defaultHttp(): Infer<typeof httpSchema> {
  return {
    url: undefined,
    tokenEnv: 'UPSTASH_REDIS_REST_TOKEN',
    latencyWarnMs: 50,
    cacheKeyPatterns: [],
    sampleSize: 50,
    automaticDeserialization: undefined,
    rateLimiters: [],
    budgetWindow: '5s',
    monthlyBudget: undefined,
  };
}

export type Plan = Infer<typeof planSchema>;
export type PlanHttp = Plan['http'];
export type PlanRateLimiter = PlanHttp['rateLimiters'][number];
export type PlanTier = Plan['tiers'][number];
export type PlanHook = Plan['sinks']['hooks'][number];
export type FlagNames = Plan['flags'];
export type PlanCode = Plan['code'];

export type PlanValidation = { ok: true; plan: Plan } | { ok: false; issues: SchemaIssue[] };

/** Rules that span fields: unique tier and queue names, sane soak windows, hooks that never run a value as shell text. */
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
  const limiterNames = new Set<string>();
  plan.http.rateLimiters.forEach((limiter, index) => {
    if (limiterNames.has(limiter.name)) issues.push({ path: `http.rateLimiters[${index}].name`, message: `duplicate limiter "${limiter.name}"` });
    limiterNames.add(limiter.name);
    if (limiter.refillRate !== undefined && limiter.algorithm !== 'tokenBucket') {
      issues.push({ path: `http.rateLimiters[${index}].refillRate`, message: 'only a tokenBucket limiter has a refill rate' });
    }
    if ((parseDuration(limiter.window) ?? 0) < 1) {
      issues.push({ path: `http.rateLimiters[${index}].window`, message: 'the window must be at least 1ms' });
    }
  });
  plan.sinks.hooks.forEach((hook, index) => {
    for (const issue of hookCommandIssues(hook.command)) issues.push({ path: `sinks.hooks[${index}].command[${issue.index}]`, message: issue.message });
  });
  issues.push(...topologyIssues(plan.topology, plan.tiers.flatMap((tier) => tier.queues)));
  const flagNames = Object.values(plan.flags);
  if (new Set(flagNames).size !== flagNames.length) {
    issues.push({ path: 'flags', message: 'flag names must differ from each other' });
  }
  return issues;
}

/** A REST token typed into the plan gets a message that says why, not just "unknown key". */
function tokenInPlan(issue: SchemaIssue): SchemaIssue {
  if (issue.path !== 'http.token') return issue;
  return { path: issue.path, message: 'the REST token must not be stored in the plan: put it in an environment variable and name it in http.tokenEnv' };
}

export function validatePlan(raw: unknown): PlanValidation {
  const issues: SchemaIssue[] = [];
  const plan = planSchema.parse(raw, '', issues);
  if (!plan) return { ok: false, issues: issues.map(tokenInPlan) };
  const more = crossFieldIssues(plan);
  return more.length ? { ok: false, issues: more } : { ok: true, plan };
}

export function formatIssue(issue: SchemaIssue): string {
  return `${issue.path}: ${issue.message}`;
}
