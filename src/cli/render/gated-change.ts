/** Human text for phase1 and phase2: the preflight checks, then the change (or every cause that refused it). */
import type { GatedChangeReport } from '../../usecases/gate-checks.js';
import { heading } from '../format.js';
import { render as renderChange } from './change.js';
import { checkCounts, renderCheckResults } from './checks.js';

export function render(report: GatedChangeReport): string {
  return [heading(`Preflight checks (${checkCounts(report.checks)})`), renderCheckResults(report.checks), '', renderChange(report)].join('\n');
}
