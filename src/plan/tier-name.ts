/** Tier names come from the plan, so they are checked at the edge against it. */
import { UsageError } from '../errors.js';
import type { Plan } from './schema.js';

export function resolveTier(validTiers: readonly string[], name: string): string {
  if (validTiers.includes(name)) return name;
  throw new UsageError('tier.unknown', `unknown tier "${name}"; valid tiers: ${validTiers.join(', ')}`, {
    fix: `use one of: ${validTiers.join(', ')} (see \`redis-migrate plan\`)`,
    details: { valid: [...validTiers] },
  });
}

export function tierNames(plan: Plan): string[] {
  return plan.tiers.map((tier) => tier.name);
}
