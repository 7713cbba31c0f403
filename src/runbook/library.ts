/**
 * Where runbooks are found: `--dir`, else the project's `./runbooks` and then the ones shipped with
 * this tool (a project runbook of the same name wins). A NAME may also be a path to a .md file.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../errors.js';
import { parseRunbook, type Runbook } from './parse.js';

/** The runbooks shipped in the package (dist/src/runbook → ../../../runbooks). */
export const BUILTIN_DIR = fileURLToPath(new URL('../../../runbooks/', import.meta.url));

export interface RunbookSource {
  name: string;
  path: string;
  source: 'project' | 'builtin' | 'dir';
}

export function runbookDirs(cwd: string, dir?: string): { path: string; source: RunbookSource['source'] }[] {
  if (dir) return [{ path: resolve(cwd, dir), source: 'dir' }];
  const project = resolve(cwd, 'runbooks');
  const dirs: { path: string; source: RunbookSource['source'] }[] = [];
  if (project !== resolve(BUILTIN_DIR)) dirs.push({ path: project, source: 'project' });
  dirs.push({ path: BUILTIN_DIR, source: 'builtin' });
  return dirs;
}

export async function listRunbooks(cwd: string, dir?: string): Promise<RunbookSource[]> {
  const seen = new Map<string, RunbookSource>();
  for (const { path, source } of runbookDirs(cwd, dir)) {
    let files: string[] = [];
    try {
      files = await readdir(path);
    } catch {
      continue;
    }
    for (const file of files.filter((f) => f.endsWith('.md') && f.toLowerCase() !== 'readme.md').sort()) {
      const name = basename(file, '.md');
      if (!seen.has(name)) seen.set(name, { name, path: join(path, file), source });
    }
  }
  return [...seen.values()].sort((a, b) => a.name.localeCompare(b.name));
}

export interface LoadedRunbook {
  runbook: Runbook;
  path: string;
  text: string;
  sha256: string;
}

export async function loadRunbook(name: string, cwd: string, dir?: string): Promise<LoadedRunbook> {
  let path: string | undefined;
  if (name.endsWith('.md') || name.includes('/')) {
    const candidate = isAbsolute(name) ? name : resolve(cwd, name);
    if (existsSync(candidate)) path = candidate;
  }
  const available = await listRunbooks(cwd, dir);
  path ??= available.find((entry) => entry.name === name)?.path;
  if (!path) {
    throw new UsageError('runbook.unknown', `no runbook "${name}"`, {
      fix: available.length
        ? `available: ${available.map((entry) => entry.name).join(', ')} (see \`redis-migrate runbook list\`)`
        : 'put runbooks in ./runbooks or pass --dir',
    });
  }
  const text = await readFile(path, 'utf8');
  const parsed = parseRunbook(basename(path, '.md'), text);
  if (!parsed.ok) {
    throw new UsageError(
      'runbook.invalid',
      `runbook ${path} has ${parsed.issues.length} problem(s): ${parsed.issues.map((issue) => `line ${issue.line}: ${issue.message}`).join('; ')}`,
      {
        fix: 'fix the step blocks (```step id=... kind=...```) in the markdown',
        details: { issues: parsed.issues },
      },
    );
  }
  return { runbook: parsed.runbook, path, text, sha256: createHash('sha256').update(text).digest('hex') };
}
