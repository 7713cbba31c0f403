/** Rules that span fields, checked once the plan has its shape: unique names, sane windows, safe hooks. Pure. */
import { hookCommandIssues } from '../flags/sinks/hook-command.js';
import { parseDuration } from './duration.js';
import type { PlanIssue } from './plan-issues.js';
import type { Plan } from './schema.js';
import { topologyIssues } from './topology-schema.js';

/** Unique tier and queue names, sane soak windows, hooks that never run a value as shell text. */
export function crossFieldIssues(plan: Plan): PlanIssue[] {
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
  issues.push(...topologyIssues(plan.topology, plan.tiers.flatMap((tier) => tier.queues)));
  const flagNames = Object.values(plan.flags);
  if (new Set(flagNames).size !== flagNames.length) {
    issues.push({ path: 'flags', message: 'flag names must differ from each other' });
  }
  return issues;
}
