/**
 * Variables and the concrete steps of a run. Pure. Every step of a runbook is resolved before the
 * first one runs, so an unknown variable or a typo in `--var` stops the run before it changes
 * anything (exit 2, naming the variable).
 */
import { UsageError } from '../errors.js';
import { parseDuration } from '../plan/duration.js';
import type { Runbook, RunbookStep, StepKind } from './parse.js';

/** `--var tier=critical --var soak=26h` → { tier: 'critical', soak: '26h' }. */
export function parseVarOptions(list: readonly string[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const item of list) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UsageError('runbook.var', `invalid --var "${item}"`, { fix: 'write --var name=value, e.g. --var tier=critical' });
    values[item.slice(0, eq).trim()] = item.slice(eq + 1);
  }
  return values;
}

/** Declared defaults overlaid with --var; a --var the runbook does not declare is a typo. */
export function resolveVariables(runbook: Runbook, given: Record<string, string>): Record<string, string> {
  const declared = new Map(runbook.variables.map((variable) => [variable.name, variable]));
  for (const name of Object.keys(given)) {
    if (!declared.has(name)) {
      const known = [...declared.keys()];
      throw new UsageError(
        'runbook.unknown-variable',
        `runbook "${runbook.name}" has no variable "${name}"${known.length ? ` (it has: ${known.join(', ')})` : ''}`,
        {
          fix: known.length ? `use one of: ${known.map((k) => `--var ${k}=...`).join(', ')}` : 'this runbook takes no --var',
        },
      );
    }
  }
  const values: Record<string, string> = {};
  for (const variable of runbook.variables) {
    const value = given[variable.name] ?? variable.default;
    if (value !== null) values[variable.name] = value;
  }
  return values;
}

const MASK = '***';

/**
 * `--var` values are secrets unless the runbook declares the variable `public`: they never reach
 * the run log, the audit or the output. Declared defaults are in the file, so they are not.
 */
export function secretVariables(runbook: Runbook, given: Record<string, string>): string[] {
  const open = new Set(runbook.variables.filter((variable) => variable.public).map((variable) => variable.name));
  return Object.keys(given).filter((name) => !open.has(name));
}

/** The values as logs and output may show them: secrets replaced by ***. */
export function shownValues(values: Record<string, string>, secrets: readonly string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([name, value]) => [name, secrets.includes(name) ? MASK : value]));
}

// What may be pasted into a shell step unquoted; anything else must come through the environment.
const SHELL_SAFE = /^[A-Za-z0-9_.,:/@%+=-]*$/;

/** Replace `{{name}}`; an unknown or unset name is a usage error that names it. */
export function substitute(text: string, values: Record<string, string>, where: string, options: { shell?: boolean } = {}): string {
  return text.replace(/\{\{\s*([a-z_][a-z0-9_-]*)\s*\}\}/gi, (_match, name: string) => {
    const value = values[name];
    if (value === undefined) {
      throw new UsageError('runbook.unknown-variable', `unknown variable "${name}" in ${where}`, { fix: `pass --var ${name}=VALUE` });
    }
    if (options.shell && !SHELL_SAFE.test(value)) {
      throw new UsageError('runbook.unsafe-variable', `variable "${name}" has characters that are unsafe in the shell step of ${where}`, {
        fix: `use $RUNBOOK_VAR_${name.toUpperCase().replace(/-/g, '_')} in the script (every variable is in the environment) or a simpler value`,
      });
    }
    return value;
  });
}

/** A command line → arguments, with single and double quotes and backslash escapes; no shell. */
export function splitArgs(line: string): string[] {
  const args: string[] = [];
  let current = '';
  let quote: '"' | "'" | null = null;
  let started = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i] as string;
    if (quote) {
      if (char === quote) quote = null;
      else if (char === '\\' && quote === '"' && i + 1 < line.length) current += line[++i];
      else current += char;
    } else if (char === '"' || char === "'") {
      quote = char;
      started = true;
    } else if (char === '\\' && i + 1 < line.length) {
      current += line[++i];
      started = true;
    } else if (/\s/.test(char)) {
      if (started) args.push(current);
      current = '';
      started = false;
    } else {
      current += char;
      started = true;
    }
  }
  if (quote) throw new UsageError('runbook.quote', `unclosed ${quote} in "${line}"`, { fix: 'close the quote in the runbook' });
  if (started) args.push(current);
  return args;
}

/** Arguments as a person would type them again (quoted where they hold spaces or quotes). */
export function displayArgs(args: readonly string[]): string {
  return args.map((arg) => (arg === '' || /[\s"'\\]/.test(arg) ? JSON.stringify(arg) : arg)).join(' ');
}

export interface ResolvedStep {
  id: string;
  kind: StepKind;
  title: string;
  /** shell: the script; redis-migrate / wait: the arguments after the binary; manual / note: the text. */
  script?: string;
  args?: string[];
  text?: string;
  /** wait: how long to watch. */
  durationMs?: number;
  timeoutMs?: number;
  /** `allow-failure=true`: a non-zero exit is recorded and the run goes on (diagnostics in an incident). */
  allowFailure?: boolean;
  /** How the command reads in the audit and the run log: secret variables as ***, before redaction. */
  display: string;
}

/** `shown`: the values for `display` (secrets masked, see `shownValues`); defaults to `values`. */
export function resolveStep(runbook: Runbook, step: RunbookStep, values: Record<string, string>, shown: Record<string, string> = values): ResolvedStep {
  const where = `step "${step.id}" of runbook "${runbook.name}"`;
  const commandLine = (text: string, vars: Record<string, string>) => splitArgs(text).map((arg) => substitute(arg, vars, where));
  const attr = (name: string) => (step.attributes[name] === undefined ? undefined : substitute(step.attributes[name] as string, values, where));
  const timeout = attr('timeout');
  const timeoutMs = timeout === undefined ? undefined : parseDuration(timeout);
  if (timeout !== undefined && timeoutMs === undefined)
    throw new UsageError('runbook.timeout', `${where}: timeout "${timeout}" is not a duration`, { fix: 'e.g. timeout=10m' });
  const base = {
    id: step.id,
    kind: step.kind,
    title: substitute(step.title, shown, where),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    ...(step.attributes['allow-failure'] === 'true' ? { allowFailure: true } : {}),
  };
  switch (step.kind) {
    case 'shell': {
      const script = substitute(step.body, values, where, { shell: true });
      return { ...base, script, display: substitute(step.body, shown, where) };
    }
    case 'redis-migrate': {
      const args = commandLine(step.body.trim(), values);
      const display = commandLine(step.body.trim(), shown);
      // Tolerate the binary's name written out.
      if (args[0] === 'redis-migrate') {
        args.shift();
        display.shift();
      }
      return { ...base, args, display: `redis-migrate ${displayArgs(display)}` };
    }
    case 'wait': {
      const duration = attr('duration') ?? '';
      const durationMs = parseDuration(duration);
      if (durationMs === undefined)
        throw new UsageError('runbook.duration', `${where}: duration "${duration}" is not a duration`, { fix: 'e.g. --var soak=24h' });
      const body = step.body.trim();
      const args = ['monitor', '--duration', duration, ...(body ? commandLine(body, values) : [])];
      const display = ['monitor', '--duration', substitute(step.attributes.duration ?? '', shown, where), ...(body ? commandLine(body, shown) : [])];
      return { ...base, args, durationMs, display: `redis-migrate ${displayArgs(display)}` };
    }
    default: {
      const text = substitute(step.body, values, where);
      return { ...base, text, display: substitute(step.body, shown, where) };
    }
  }
}

/** Every step resolved up front (the first unknown variable fails the whole run before it starts). */
export function resolveRunbook(runbook: Runbook, values: Record<string, string>, shown: Record<string, string> = values): ResolvedStep[] {
  return runbook.steps.map((step) => resolveStep(runbook, step, values, shown));
}
