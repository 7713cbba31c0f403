/**
 * Mirrors every flag change outside Redis: the dotenv file and hook commands from the plan.
 * Redis is the source of truth; a failing sink is reported and audited, never undoes the change.
 */
import type { Plan } from '../plan/schema.js';
import { redact } from '../redact.js';
import type { FlagState } from '../state/model.js';
import { writeDotenvValues } from './dotenv-file.js';
import { runHook, type HookRun } from './hooks.js';
import { sinkValues } from './values.js';

export interface SinkReport {
  dotenv: { path: string; ok: boolean; changed: boolean; error?: string } | null;
  hooks: HookRun[];
}

export async function runSinks(plan: Plan, before: FlagState, after: FlagState, extra: { version: number; namespace: string }): Promise<SinkReport> {
  const next = sinkValues(plan, after);
  const previous = sinkValues(plan, before);
  const report: SinkReport = { dotenv: null, hooks: [] };

  if (plan.sinks.dotenv) {
    const path = plan.sinks.dotenv.path;
    try {
      const { changed } = await writeDotenvValues(path, next);
      report.dotenv = { path, ok: true, changed };
    } catch (error) {
      report.dotenv = { path, ok: false, changed: false, error: redact((error as Error).message) };
    }
  }

  const changed = Object.entries(next).filter(([name, value]) => previous[name] !== value);
  for (const hook of plan.sinks.hooks) {
    for (const [name, value] of changed) {
      report.hooks.push(await runHook(hook, { name, value, version: String(extra.version), namespace: extra.namespace }));
    }
  }
  return report;
}

export function sinkFailures(report: SinkReport): string[] {
  const failures: string[] = [];
  if (report.dotenv && !report.dotenv.ok) failures.push(`dotenv ${report.dotenv.path}: ${report.dotenv.error}`);
  for (const run of report.hooks) if (!run.ok) failures.push(`hook ${run.hook} (${run.flag}): ${run.error}`);
  return failures;
}
