/**
 * `preflight [--phase N] [--tier T] [--strict] [--junit FILE]`: see src/usecases/preflight.ts.
 * A table, one JSON document, JUnit XML for CI; exit 3 on any fail, or any warn with --strict.
 */
import type { CommandContext } from '../cli/context.js';
import type { Outcome } from '../cli/output.js';
import type { PhaseNumber } from '../checks/types.js';
import { EXIT } from '../errors.js';
import { resolveTier, tierNames } from '../plan/tier-name.js';
import { runPreflight, type PreflightReport } from '../usecases/preflight.js';

export interface PreflightOptions {
  phase?: '1' | '2' | '3';
  tier?: string;
  strict?: boolean;
  junit?: string;
}

export async function run(ctx: CommandContext, options: PreflightOptions): Promise<Outcome<PreflightReport>> {
  const loaded = await ctx.plan();
  const tier = options.tier ? resolveTier(tierNames(loaded.plan), options.tier) : undefined;
  const phase = options.phase ? (Number(options.phase) as PhaseNumber) : undefined;
  const report = await runPreflight(ctx, loaded, { phase, tier, strict: Boolean(options.strict), junit: options.junit });
  return { report, exitCode: report.ok ? EXIT.ok : EXIT.checkFailed };
}
