/**
 * Hook commands run after a flag change (e.g. a platform's "set env var" CLI), with execa: an
 * argument array, never a shell string; placeholders are argument values (see hook-command.ts).
 */
import { execa } from 'execa';
import { parseDuration } from '../plan/duration.js';
import type { PlanHook } from '../plan/schema.js';
import { redact } from '../redact.js';
import { fillPlaceholders, hookEnv, type HookValues } from './hook-command.js';

export interface HookRun {
  hook: string;
  flag: string;
  ok: boolean;
  exitCode: number | null;
  durationMs: number;
  /** The last lines of output, secrets masked. */
  output: string;
  error?: string;
}

function excerpt(text: string, lines = 5): string {
  return redact(text.trim().split('\n').slice(-lines).join('\n'));
}

export async function runHook(hook: PlanHook, values: HookValues): Promise<HookRun> {
  const [file, ...args] = fillPlaceholders(hook.command, values) as [string, ...string[]];
  const name = hook.name ?? hook.command[0] ?? 'hook';
  const started = performance.now();
  const result = await execa(file, args, {
    reject: false,
    timeout: parseDuration(hook.timeout) ?? 30_000,
    all: true,
    stdin: 'ignore',
    env: hookEnv(values),
  });
  const durationMs = Math.round(performance.now() - started);
  const ok = !result.failed && result.exitCode === 0;
  const run: HookRun = { hook: name, flag: values.name, ok, exitCode: result.exitCode ?? null, durationMs, output: excerpt(String(result.all ?? '')) };
  if (!ok) {
    run.error = result.timedOut
      ? `timed out after ${hook.timeout}`
      : result.exitCode === undefined
        ? redact(result.shortMessage ?? 'could not start')
        : `exited with code ${result.exitCode}`;
  }
  return run;
}
