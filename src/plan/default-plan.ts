/** The embedded plan: the 11 queues in three tiers, so the tool runs out of the box. */
import type { Plan } from './schema.js';
import { validatePlan } from './schema.js';

/** Tier names of the default plan, in migration order. Plan files may name their own. */
export const DEFAULT_TIERS = ['non-critical', 'medium', 'critical'] as const;

/** The plan file content `init --yes` writes; also the source of the embedded default. */
export function defaultPlanDocument(): Record<string, unknown> {
  return {
    version: '1',
    namespace: 'default',
    legacy: { library: 'bull', prefix: 'bull' },
    bullmq: { prefix: 'bullmq' },
    tiers: [
      {
        name: 'non-critical',
        queues: ['webhook-health-check', 'notification-reminder', 'token-health-reminder'],
        soak: '24h',
      },
      {
        name: 'medium',
        queues: ['adaptive-sync', 'webhook-renewal', 'suggestion-regeneration', 'batch-notifications', 'suggestion-generation'],
        soak: '24h',
      },
      { name: 'critical', queues: ['token-refresh', 'calendar-sync', 'google-contacts-sync'], soak: '26h', watch: '2h' },
    ],
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
