/**
 * The default plan's tiers as plain data: the 11 queues in three tiers. Apart from the plan schema
 * so the flags SDK can fall back to them without loading the validator.
 */
import type { TierDraft } from './from-code.js';

/** Tier names of the default plan, in migration order. Plan files may name their own. */
export const DEFAULT_TIERS = ['non-critical', 'medium', 'critical'] as const;

export function defaultTierDocuments(): TierDraft[] {
  return [
    { name: 'non-critical', queues: ['webhook-health-check', 'notification-reminder', 'token-health-reminder'], soak: '24h' },
    {
      name: 'medium',
      queues: ['adaptive-sync', 'webhook-renewal', 'suggestion-regeneration', 'batch-notifications', 'suggestion-generation'],
      soak: '24h',
    },
    { name: 'critical', queues: ['token-refresh', 'calendar-sync', 'google-contacts-sync'], soak: '26h', watch: '2h' },
  ];
}

/** Tier → queues of the default plan. */
export function defaultTierQueues(): Record<string, string[]> {
  return Object.fromEntries(defaultTierDocuments().map((tier) => [tier.name, tier.queues]));
}
