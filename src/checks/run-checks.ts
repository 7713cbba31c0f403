/** Runs checks one after another, timing each; a check that throws fails with its message instead of ending the run. */
import { isCliError } from '../errors.js';
import type { Check, CheckContext, CheckResult } from './types.js';

export async function runChecks(checks: readonly Check[], ctx: CheckContext): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const check of checks) {
    const started = performance.now();
    let result: Omit<CheckResult, 'id'>;
    try {
      result = await check.run(ctx);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      result = {
        status: 'fail',
        message: `${check.id} could not run: ${message.split('\n')[0]}`,
        fix: isCliError(error) && error.fix ? error.fix : 'run preflight again; if it persists, report it with this message',
      };
    }
    results.push({ id: check.id, ...result, durationMs: Math.round((performance.now() - started) * 10) / 10 });
  }
  return results;
}

export function summarizeResults(results: readonly CheckResult[]): Record<CheckResult['status'], number> {
  const out = { pass: 0, warn: 0, fail: 0, skip: 0 };
  for (const result of results) out[result.status]++;
  return out;
}
