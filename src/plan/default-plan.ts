/** The embedded plan: the 11 queues in three tiers, so the tool runs out of the box. */
import { defaultTierDocuments } from './default-tiers.js';
import type { Plan } from './schema.js';
import { validatePlan } from './schema.js';

export { DEFAULT_TIERS } from './default-tiers.js';

/** The plan file content `init --yes` writes; also the source of the embedded default. */
export function defaultPlanDocument(): Record<string, unknown> {
  return {
    version: '1',
    namespace: 'default',
    legacy: { library: 'bull', prefix: 'bull' },
    bullmq: { prefix: 'bullmq' },
    tiers: defaultTierDocuments(),
    flags: { useBullmq: 'USE_BULLMQ', bullmqTiers: 'BULLMQ_TIERS', useHttpRedis: 'USE_HTTP_REDIS' },
    sinks: { hooks: [] },
    thresholds: { maxFailureRate: 0.01, maxBacklogGrowth: 1000 },
    // The often-quoted goal; `plan` shows what the topology can reach and what it would take.
    target: { connections: 3 },
    lock: { ttl: '30s' },
    http: {
      tokenEnv: 'UPSTASH_REDIS_REST_TOKEN',
      latencyWarnMs: 50,
      cacheKeyPatterns: [],
      rateLimiters: [],
    },
    // Where the app's code is, for `scan` and phase 3's code.legacy-usage check (init --from-code sets it).
    code: { paths: [], ignore: [] },
  };
}

export function defaultPlan(): Plan {
  const result = validatePlan(defaultPlanDocument());
  if (!result.ok) throw new Error(`the embedded default plan is invalid: ${JSON.stringify(result.issues)}`);
  return result.plan;
}
