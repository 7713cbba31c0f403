/** Finds and reads the plan file (I/O), then hands the parsed value to the pure validator. */
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { resolve, extname } from 'node:path';
import { UsageError } from '../errors.js';
import type { Plan } from './schema.js';

export const PLAN_FILE_NAMES = ['redis-migrate.config.json', 'redis-migrate.config.yaml', 'redis-migrate.config.yml'] as const;

export interface LoadedPlan {
  plan: Plan;
  /** The file it came from, or "embedded default". */
  source: string;
}

export function findPlanFile(cwd: string): string | undefined {
  return PLAN_FILE_NAMES.map((name) => resolve(cwd, name)).find((path) => existsSync(path));
}

const NAMESPACE = /^[a-z0-9][a-z0-9._-]*$/i;

/**
 * The namespace a plan file that does not parse most likely names, so rollback can still find the
 * flag store: 'default' when the text never mentions one, the value of its one unambiguous
 * top-level `namespace:` (YAML) or `"namespace": "..."` (JSON), else undefined (cannot tell).
 */
export function namespaceInText(text: string): string | undefined {
  if (!/namespace/i.test(text)) return 'default';
  const found = new Set<string>();
  for (const match of text.matchAll(/^namespace:\s*(['"]?)([^'"\s#]+)\1\s*(?:#.*)?$/gm)) found.add(match[2] as string);
  for (const match of text.matchAll(/"namespace"\s*:\s*"([^"]*)"/g)) found.add(match[1] as string);
  const [only] = found;
  return found.size === 1 && only !== undefined && NAMESPACE.test(only) ? only : undefined;
}

async function parsePlanText(path: string, text: string): Promise<unknown> {
  const ext = extname(path).toLowerCase();
  try {
    if (ext === '.yaml' || ext === '.yml') {
      const { parse } = await import('yaml');
      return parse(text);
    }
    return JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new UsageError('config.parse', `${path}: not valid ${ext === '.json' ? 'JSON' : 'YAML'}: ${reason}`, {
      fix: 'fix the syntax, or run `redis-migrate init` to write a fresh plan file',
      details: { namespace: namespaceInText(text) },
    });
  }
}

/** The namespace of a plan file that failed validation ('default' when it names none), so rollback can still find the flag store. */
export function namespaceOf(raw: unknown): string | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  if (!('namespace' in raw)) return 'default';
  const value = (raw as { namespace: unknown }).namespace;
  return typeof value === 'string' && NAMESPACE.test(value) ? value : undefined;
}

export async function loadPlan(options: { configPath?: string | undefined; cwd?: string }): Promise<LoadedPlan> {
  const cwd = options.cwd ?? process.cwd();
  const path = options.configPath ? resolve(cwd, options.configPath) : findPlanFile(cwd);
  // The validator (zod) loads with the first plan, so `--help` and `--version` never pay for it.
  if (!path) return { plan: (await import('./default-plan.js')).defaultPlan(), source: 'embedded default' };

  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError('config.unreadable', `cannot read plan file ${path}: ${code ?? String(error)}`, {
      fix: code === 'ENOENT' ? 'check the --config path, or run `redis-migrate init` to create one' : 'check the file permissions',
    });
  }
  const raw = await parsePlanText(path, text);
  const { formatIssue, validatePlan } = await import('./schema.js');
  const result = validatePlan(raw);
  if (!result.ok) {
    const count = result.issues.length;
    throw new UsageError('config.invalid', `${path}: ${count} problem${count === 1 ? '' : 's'}: ${result.issues.map(formatIssue).join('; ')}`, {
      fix: 'correct the plan file (every field: docs/plan-file.md)',
      details: { issues: result.issues, namespace: namespaceOf(raw) },
    });
  }
  return { plan: result.plan, source: path };
}
