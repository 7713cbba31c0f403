/**
 * A hook's command line from the plan → what is run. Pure. Placeholders fill argument values
 * (each `{{name}}` is replaced inside its own argv element, which execa passes to the program
 * as-is, with no shell in between); they are also in the environment as REDIS_MIGRATE_<NAME>.
 * A placeholder inside the script of `sh -c SCRIPT` would be shell text, so the plan refuses it:
 * such a hook passes values as arguments (`sh -c 'cmd "$1"' sh {{value}}`) or reads the variables.
 */
import { basename } from 'node:path';

/** What a hook may ask for: the flag's env name, its new value, the state version, the namespace. */
export const HOOK_PLACEHOLDERS = ['name', 'value', 'version', 'namespace'] as const;
export type HookPlaceholder = (typeof HOOK_PLACEHOLDERS)[number];
export type HookValues = Record<HookPlaceholder, string>;

const PLACEHOLDER = /\{\{\s*(\w+)\s*\}\}/g;
const SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh', 'mksh', 'ash', 'yash', 'fish']);
// Shell options that take the next argument as their value (`-o pipefail`, bash's `-O extglob`).
const OPTION_WITH_VALUE = new Set(['-o', '+o', '-O', '+O']);

/** The environment variable a placeholder is also passed as: `{{value}}` → REDIS_MIGRATE_VALUE. */
export function hookEnvName(placeholder: HookPlaceholder): string {
  return `REDIS_MIGRATE_${placeholder.toUpperCase()}`;
}

/**
 * Index of the argument a shell runs as code (`sh -c SCRIPT`, `bash -euc SCRIPT`, `env X=1 sh -c
 * SCRIPT`), or -1 when the command does not start a shell with -c.
 */
export function shellScriptIndex(command: readonly string[]): number {
  let i = 0;
  if (basename(command[0] ?? '') === 'env') {
    i = 1;
    while (i < command.length && (/^-/.test(command[i] as string) || /^[A-Za-z_][A-Za-z0-9_]*=/.test(command[i] as string))) i++;
  }
  if (!SHELLS.has(basename(command[i] ?? ''))) return -1;
  let script = false;
  for (i++; i < command.length; i++) {
    const arg = command[i] as string;
    if (arg === '--') return script ? i + 1 : -1;
    if (OPTION_WITH_VALUE.has(arg)) {
      i++;
      continue;
    }
    if (/^[-+][A-Za-z]+$/.test(arg)) {
      if (arg.startsWith('-') && arg.includes('c')) script = true;
      continue;
    }
    return script ? i : -1;
  }
  return -1;
}

/** Problems with a hook command, by argument index (the plan schema reports them with their path). */
export function hookCommandIssues(command: readonly string[]): { index: number; message: string }[] {
  const issues: { index: number; message: string }[] = [];
  const script = shellScriptIndex(command);
  command.forEach((arg, index) => {
    for (const [, name] of arg.matchAll(PLACEHOLDER)) {
      if (!(HOOK_PLACEHOLDERS as readonly string[]).includes(name as string)) {
        issues.push({ index, message: `unknown placeholder {{${name}}} (there are ${HOOK_PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ')})` });
      } else if (index === 0) {
        issues.push({ index, message: `{{${name}}} cannot name the program to run: put the program first, values after it` });
      } else if (index === script) {
        const variable = hookEnvName(name as HookPlaceholder);
        issues.push({
          index,
          message: `{{${name}}} inside a shell script would be run as shell text: pass it as an argument after the script ("$1" in the script, then "sh", "{{${name}}}") or use "$${variable}"`,
        });
      }
    }
  });
  return issues;
}

/** Each placeholder replaced inside its own argument; an argument never splits or joins others. */
export function fillPlaceholders(args: readonly string[], values: HookValues): string[] {
  return args.map((arg) => arg.replace(PLACEHOLDER, (whole, key: string) => (Object.hasOwn(values, key) ? values[key as HookPlaceholder] : whole)));
}

/** The placeholders as environment variables for the hook's process. */
export function hookEnv(values: HookValues): Record<string, string> {
  return Object.fromEntries(HOOK_PLACEHOLDERS.map((name) => [hookEnvName(name), values[name]]));
}
