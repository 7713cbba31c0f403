/**
 * Runs checks in order against one context, timing each; a check that throws is a failure of that
 * check (with its message), never of the command. Used by phase1 for the HTTP checks.
 */
import type { Check, CheckContext, CheckResult } from '../types.js';

export async function runChecks(checks: readonly Check[], ctx: CheckContext): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const check of checks) {
    const started = performance.now();
    let result: Omit<CheckResult, 'id'>;
    try {
      result = await check.run(ctx);
    } catch (error) {
      result = {
        status: 'fail',
        message: `the check could not run: ${(error as Error)?.message ?? String(error)}`,
        fix: 'fix the cause above and run it again',
      };
    }
    results.push({ id: check.id, ...result, durationMs: Math.round(performance.now() - started) });
  }
  return results;
}
