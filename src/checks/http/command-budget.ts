/**
 * http.command-budget: the cache and rate-limiter traffic measured over TCP now (two INFO
 * commandstats snapshots, http.budgetWindow apart), projected per month in commands and money at
 * the plan's cost.per100kCommands. Warns when the plan's http.monthlyBudget would be exceeded.
 */
import { parseDuration } from '../../plan/duration.js';
import type { Check, CheckResult } from '../types.js';
import { isSkip, usableTarget } from './probe.js';
import { estimateTraffic, FREE_TIER_COMMANDS, parseCommandStats } from './budget-rules.js';
import { compactCount, formatMoney, round } from './stats.js';

export const httpCommandBudget: Check = {
  id: 'http.command-budget',
  title: 'HTTP command budget',
  phases: [1],
  async run(ctx): Promise<Omit<CheckResult, 'id'>> {
    const redis = ctx.redis;
    if (!redis) return { status: 'skip', message: 'Redis over TCP is not reachable, so the traffic cannot be measured' };
    // The budget of an endpoint that cannot be used yet is not worth the wait.
    const target = await usableTarget(ctx);
    if (isSkip(target)) return target;
    const { budgetWindow, monthlyBudget } = ctx.plan.http;
    const { per100kCommands: pricePer100k, currency } = ctx.plan.cost;
    const money = (value: number) => formatMoney(value, currency);
    const windowMs = parseDuration(budgetWindow) ?? 5000;
    const before = parseCommandStats(String(await redis.info('commandstats')));
    const started = performance.now();
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    const after = parseCommandStats(String(await redis.info('commandstats')));
    const estimate = estimateTraffic(before, after, performance.now() - started, pricePer100k);
    const data = { ...estimate, currency, monthlyBudget: monthlyBudget ?? null, freeTierCommands: FREE_TIER_COMMANDS };
    const price = `${money(pricePer100k)} per 100K`;
    const rate = `${round(estimate.perSecond.cache)}/s over ${budgetWindow}`;
    const http = `cache and limiter commands ${rate} ≈ ${compactCount(estimate.httpMonthly)} a month ≈ ${money(estimate.httpMonthlyCost)} at ${price}`;
    const all = `all billable traffic on this Redis ≈ ${compactCount(estimate.allMonthly)} a month ≈ ${money(estimate.allMonthlyCost)}`;
    const free = estimate.httpMonthly <= FREE_TIER_COMMANDS ? " (within the free tier's 500K)" : '';
    const message = `${http}${free}; ${all} (by command type: an estimate)`;
    if (monthlyBudget !== undefined && estimate.httpMonthlyCost > monthlyBudget) {
      return {
        status: 'warn',
        message: `${message}: over the plan's monthly budget of ${money(monthlyBudget)}`,
        fix: 'cut cache traffic (longer TTLs, fewer round trips: MGET, pipelines) or choose a fixed-price plan; then adjust http.monthlyBudget',
        data,
      };
    }
    return { status: 'pass', message, data };
  },
};
