/** `plan [--prometheus-rules]`: see src/usecases/plan.ts. */
import type { CommandContext } from '../cli/context.js';
import type { Outcome } from '../cli/output.js';
import { describePlan, prometheusRules, type PlanReport, type PrometheusRulesReport } from '../usecases/plan.js';

export interface PlanOptions {
  prometheusRules?: boolean;
}

export async function run(ctx: CommandContext, options: PlanOptions = {}): Promise<Outcome<PlanReport | PrometheusRulesReport>> {
  const loaded = await ctx.plan();
  return { report: options.prometheusRules ? await prometheusRules(loaded) : await describePlan(ctx, loaded) };
}
