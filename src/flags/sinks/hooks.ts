/** Hook commands run after a flag change (e.g. a platform's "set env var" CLI), with execa. */
import { execa } from 'execa';
import { parseDuration } from '../../plan/duration.js';
import type { PlanHook } from '../../plan/schema.js';
import { redact } from '../../redact.js';

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

export function fillPlaceholders(args: string[], values: Record<string, string>): string[] {
  return args.map((arg) => arg.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, key: string) => values[key] ?? whole));
}

function excerpt(text: string, lines = 5): string {
  return redact(text.trim().split('\n').slice(-lines).join('\n'));
}

export async function runHook(hook: PlanHook, values: Record<string, string>): Promise<HookRun> {
  const [file, ...args] = fillPlaceholders(hook.command, values) as [string, ...string[]];
  const name = hook.name ?? hook.command[0] ?? 'hook';
  const started = performance.now();
  const result = await execa(file, args, {
    reject: false,
    timeout: parseDuration(hook.timeout) ?? 30_000,
    all: true,
    stdin: 'ignore',
  });
  const durationMs = Math.round(performance.now() - started);
  const ok = !result.failed && result.exitCode === 0;
  const run: HookRun = { hook: name, flag: values.name ?? '', ok, exitCode: result.exitCode ?? null, durationMs, output: excerpt(String(result.all ?? '')) };
  if (!ok) {
    run.error = result.timedOut
      ? `timed out after ${hook.timeout}`
      : result.exitCode === undefined
        ? redact(result.shortMessage ?? 'could not start')
        : `exited with code ${result.exitCode}`;
  }
  return run;
}
