// zod, not valibot: strict objects report every unknown key at once (valibot: the first) and refuse arrays, and z.toJSONSchema is built in; valibot loads faster (~12 ms vs ~55 ms).
/**
 * The plan file's shape, declared once: `validatePlan` parses with it (pure: the parsed JSON/YAML
 * value in, the typed plan with defaults filled in or every problem with its path out), and
 * schemas/plan.schema.json is generated from it (`plan-json-schema.ts`). Patterns carry no regex
 * flags, so the JSON Schema checks exactly what the code does. Rules across fields stay in code.
 */
import type * as z from 'zod';
import { hookCommandIssues } from '../sinks/hook-command.js';
import { parseDuration } from './duration.js';
import { planIssues, type PlanIssue } from './plan-issues.js';
import { boolean, duration, list, number, object, oneOf, text } from './schema-fields.js';
import { topologyIssues, topologySchema } from './topology-schema.js';

export type { PlanIssue } from './plan-issues.js';

export const LEGACY_LIBRARIES = ['bull'] as const;
export const RATE_LIMIT_ALGORITHMS = ['slidingWindow', 'fixedWindow', 'tokenBucket'] as const;

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;
// Braces are allowed in prefixes on purpose: `{bullmq}` is how BullMQ runs on Redis Cluster.
const PREFIX = /^[^\s:]+$/;
const QUEUE = /^[^\s:]+$/;
const HTTP_URL = /^https?:\/\/[^\s#$./?].\S*$/;

const name = (what: string) => text({ pattern: NAME, expected: `${what} (letters, digits, "-", "_", ".")` });
const prefix = () => text({ pattern: PREFIX, expected: 'a key prefix without spaces or ":"' });
const envName = () => text({ pattern: ENV_NAME, expected: 'an environment variable name' });
const httpUrl = () => text({ pattern: HTTP_URL, expected: 'an http(s):// URL' });

const tierSchema = object({
  name: name('a tier name').describe('The tier\'s name, unique in the plan ("--tier NAME").'),
  queues: list(text({ pattern: QUEUE, expected: 'a queue name without spaces or ":"' }), { minLength: 1 }).describe(
    'The queues that move to BullMQ together; each queue is in one tier.',
  ),
  soak: duration().describe('How long the tier runs on BullMQ, healthy, before the next tier may start.'),
  watch: duration().optional().describe('The first part of the soak that needs close watching (critical tier: 2h of 26h); not longer than the soak.'),
});

const hookSchema = object({
  name: text({ minLength: 1 }).optional().describe('Shown in reports and the audit log.'),
  command: list(text({ minLength: 1, expected: 'a non-empty string' }), { minLength: 1 }).describe(
    'The program and its arguments, run without a shell. Placeholders {{name}}, {{value}}, {{version}}, {{namespace}} fill argument values (also in the environment as REDIS_MIGRATE_*); never inside a `sh -c` script.',
  ),
  timeout: duration().default('30s').describe('The hook is stopped after this.'),
});

const rateLimiterSchema = object({
  name: name('a limiter name').describe('Unique among the limiters.'),
  algorithm: oneOf(RATE_LIMIT_ALGORITHMS).describe('The @upstash/ratelimit algorithm the app uses.'),
  limit: number({ integer: true, min: 1 }).describe('Requests per window (tokenBucket: the bucket size).'),
  window: duration().describe('The window, at least 1ms.'),
  refillRate: number({ integer: true, min: 1 }).optional().describe('tokenBucket only: tokens added per window (default: limit).'),
  prefix: text({ minLength: 1 }).default('@upstash/ratelimit').describe('The prefix the app gives Ratelimit.'),
  timeout: duration().default('5s').describe("The app's Ratelimit timeout (0s: none); after it, @upstash/ratelimit lets requests through."),
});

const httpSchema = object({
  url: httpUrl().optional().describe('The REST URL; UPSTASH_REDIS_REST_URL wins.'),
  tokenEnv: envName()
    .default('UPSTASH_REDIS_REST_TOKEN')
    .describe('The environment variable that holds the REST token: the token itself never goes in the plan.'),
  latencyWarnMs: number({ min: 0 }).default(50).describe('http.latency warns when the median request takes longer (ms).'),
  cacheKeyPatterns: list(text({ minLength: 1 }))
    .default(() => [])
    .describe('Key patterns (SCAN MATCH syntax) of the cache, for http.deserialization.'),
  sampleSize: number({ integer: true, min: 1, max: 1000 }).default(50).describe('Keys sampled per pattern.'),
  automaticDeserialization: boolean().optional().describe("The app's @upstash/redis automaticDeserialization setting; leave out until decided."),
  rateLimiters: list(rateLimiterSchema)
    .default(() => [])
    .describe("The app's @upstash/ratelimit limiters, for the rate limiter checks."),
  budgetWindow: duration().default('5s').describe('How long http.command-budget measures the traffic.'),
  monthlyBudget: number({ min: 0 }).optional().describe('http.command-budget warns when the projected monthly cost is higher (in cost.currency).'),
});

export const planSchema = object({
  $schema: text().optional().describe('The JSON Schema editors validate this file with; redis-migrate ignores it.'),
  version: oneOf(['1']).default('1').describe('The plan file format.'),
  namespace: name('a namespace').default('default').describe('The migration state lives under redis-migrate:{namespace}:*.'),
  redis: object({ url: text({ minLength: 1 }).optional().describe('The Redis URL; --redis-url and REDIS_URL win.') })
    .prefault({})
    .describe('The Redis the queues and the migration state are on.'),
  legacy: object({
    library: oneOf(LEGACY_LIBRARIES).default('bull').describe('The queue library migrated from.'),
    prefix: prefix().default('bull').describe('Key prefix of the legacy queues.'),
  })
    .prefault({})
    .describe('The queue library the app moves from.'),
  bullmq: object({
    prefix: prefix().default('bullmq').describe('Key prefix of the BullMQ queues; must differ from the legacy prefix (the libraries share key names).'),
  })
    .prefault({})
    .describe('The queues on BullMQ.'),
  tiers: list(tierSchema, { minLength: 1 }).describe('The tiers, in migration order.'),
  flags: object({
    useBullmq: envName()
      .default('USE_BULLMQ')
      .describe('Phase 2: a queue runs on BullMQ while this is true and its tier is in bullmqTiers; false keeps every queue on the legacy library.'),
    bullmqTiers: envName().default('BULLMQ_TIERS').describe('The tiers on BullMQ, comma-separated.'),
    useHttpRedis: envName().default('USE_HTTP_REDIS').describe('Phase 1: the cache and rate limiters on HTTP Redis.'),
  })
    .prefault({})
    .describe('The names of the flags, as environment variables and in the flag store; they differ from each other.'),
  sinks: object({
    dotenv: object({ path: text({ minLength: 1, expected: 'a file path' }).describe('Rewritten atomically, comments and order kept.') })
      .optional()
      .describe('A dotenv file that mirrors every flag change.'),
    hooks: list(hookSchema)
      .default(() => [])
      .describe('Commands run after each change, once per changed flag.'),
  })
    .prefault({})
    .describe('Where flag changes are mirrored outside Redis.'),
  thresholds: object({
    maxConnections: number({ integer: true, min: 1 }).optional().describe('App connections above this are a breach.'),
    maxFailureRate: number({ min: 0, max: 1 }).default(0.01).describe('Failed / finished jobs per queue over the last minute.'),
    maxBacklogGrowth: number({ integer: true, min: 0 }).default(1000).describe("Waiting + active jobs (both systems) above the monitor's start."),
    failureRateMinJobs: number({ integer: true, min: 1 })
      .default(5)
      .describe('Jobs that must finish in a sample before its failure rate is judged (1 failure of 1 job is not 100 %).'),
  })
    .prefault({})
    .describe('What `monitor` calls a breach.'),
  topology: topologySchema.prefault({}).describe("The app's processes, for the connection budget `plan` shows."),
  target: object({
    connections: number({ integer: true, min: 1 }).optional().describe('`plan` says whether the topology reaches it; `phase3 verify` checks it.'),
    idleCommandsPerMinute: number({ min: 0 })
      .optional()
      .describe('Commands per minute the app may send while idle, checked by `phase3 verify` (server-side count).'),
  })
    .prefault({})
    .describe('What the migration aims for.'),
  cost: object({
    per100kCommands: number({ min: 0 }).default(0.2).describe('Price of 100k commands (Upstash pay-as-you-go: 0.20 USD).'),
    currency: text({ pattern: /^[A-Z]{3}$/, expected: 'a currency code like "USD"' }).default('USD'),
  })
    .prefault({})
    .describe("Prices the monitor's and http.command-budget's projected monthly cost."),
  monitor: object({
    interval: duration().default('10s').describe('Default --interval of `monitor`.'),
    maxSamples: number({ integer: true, min: 10 }).default(10000).describe('Samples kept in the capped stream (about that many; trimmed with MAXLEN ~).'),
    requireHealthySoak: boolean()
      .default(false)
      .describe('gate.soak also requires the monitor to have watched the previous tier healthy for its whole window.'),
  })
    .prefault({})
    .describe('The `monitor` command.'),
  metrics: object({
    port: number({ integer: true, min: 0, max: 65_535 })
      .optional()
      .describe('Serve /metrics and /healthz on this port whenever `monitor` runs (--metrics-port wins; 0: any free port).'),
    host: text({ minLength: 1 }).default('127.0.0.1').describe('Interface to listen on; 0.0.0.0 in a container so Prometheus can reach it.'),
    runbookBaseUrl: httpUrl()
      .optional()
      .describe("Where the runbooks are published (e.g. your repository's runbooks/ folder): alerts link there as runbook_url."),
  })
    .prefault({})
    .describe("The monitor's Prometheus endpoint and the alert rules `plan --prometheus-rules` prints."),
  lock: object({ ttl: duration().default('30s').describe("A killed holder's lock expires after this.") })
    .prefault({})
    .describe('The lock that lets one change run at a time.'),
  http: httpSchema
    .prefault({})
    .describe('Phase 1: the HTTP Redis and what its checks test. UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN alone are enough.'),
  code: object({
    paths: list(text({ minLength: 1, expected: 'a path' }))
      .default(() => [])
      .describe('Relative to the plan file; none: the check is skipped.'),
    ignore: list(text({ minLength: 1, expected: 'a gitignore pattern' }))
      .default(() => [])
      .describe("More gitignore-style patterns to skip (node_modules, build output and .gitignore'd files are skipped anyway)."),
  })
    .prefault({})
    .describe("The app's source code, for `scan` and phase 3's code.legacy-usage check."),
  confirm: object({ requireReasonForForce: boolean().default(true).describe('--force needs --reason (audited).') })
    .prefault({})
    .describe('What a forced change must carry.'),
}).meta({
  title: 'redis-migrate plan file',
  description: 'The migration as data (redis-migrate.config.json or .yaml). Every field but tiers is optional. Reference: docs/plan-file.md.',
});

export type Plan = z.output<typeof planSchema>;
export type PlanHttp = Plan['http'];
export type PlanRateLimiter = PlanHttp['rateLimiters'][number];
export type PlanTier = Plan['tiers'][number];
export type PlanHook = Plan['sinks']['hooks'][number];
export type FlagNames = Plan['flags'];
export type PlanCode = Plan['code'];

export type PlanValidation = { ok: true; plan: Plan } | { ok: false; issues: PlanIssue[] };

/** Unique tier and queue names, sane soak windows, hooks that never run a value as shell text. */
function crossFieldIssues(plan: Plan): PlanIssue[] {
  const issues: PlanIssue[] = [];
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
  issues.push(
    ...topologyIssues(
      plan.topology,
      plan.tiers.flatMap((tier) => tier.queues),
    ),
  );
  const flagNames = Object.values(plan.flags);
  if (new Set(flagNames).size !== flagNames.length) {
    issues.push({ path: 'flags', message: 'flag names must differ from each other' });
  }
  return issues;
}

/** A REST token typed into the plan gets a message that says why, not just "unknown key". */
function tokenInPlan(issue: PlanIssue): PlanIssue {
  if (issue.path !== 'http.token') return issue;
  return { path: issue.path, message: 'the REST token must not be stored in the plan: put it in an environment variable and name it in http.tokenEnv' };
}

export function validatePlan(raw: unknown): PlanValidation {
  // An empty YAML file parses to undefined: report it as a value, not as a missing key.
  const parsed = planSchema.safeParse(raw === undefined ? null : raw);
  if (!parsed.success) return { ok: false, issues: planIssues(planSchema, parsed.error.issues).map(tokenInPlan) };
  const more = crossFieldIssues(parsed.data);
  return more.length ? { ok: false, issues: more } : { ok: true, plan: parsed.data };
}

export function formatIssue(issue: PlanIssue): string {
  return `${issue.path}: ${issue.message}`;
}
