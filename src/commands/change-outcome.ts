/** The outcome of a flag change (phase1, phase2, rollback): the change, or a refusal naming every cause. */
import type { Outcome } from '../cli/output.js';
import type { CheckResult } from '../checks/types.js';
import { changeBlockedError } from '../usecases/blocked.js';
import type { ChangeReport } from '../usecases/change.js';

export function changeOutcome<R extends ChangeReport & { checks?: CheckResult[] }>(report: R): Outcome<R> {
  if (!report.blocked) return { report };
  // Exit 3; under --json the error `change.blocked` with every cause, for people the report shows them.
  return { report, refusal: changeBlockedError({ ...report, blocked: report.blocked }) };
}
