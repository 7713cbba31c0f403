/**
 * Which files a scan reads: JavaScript and TypeScript sources under the given paths, minus what
 * .gitignore files (at every level of the git work tree, as git reads them), the defaults below and
 * the plan's `code.ignore` exclude. Paths come back relative to the scan root, with "/" separators.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { UsageError } from '../errors.js';
import { SOURCE_EXTENSIONS } from './parse.js';

/** Dependencies, build output, caches, generated declarations: never the app's own code. */
export const DEFAULT_IGNORES: readonly string[] = [
  'node_modules/',
  '.git/',
  'dist/',
  'build/',
  'out/',
  'coverage/',
  '.next/',
  '.nuxt/',
  '.output/',
  '.turbo/',
  '.cache/',
  '.vercel/',
  '*.d.ts',
  '*.d.mts',
  '*.d.cts',
  '*.min.js',
  '*.bundle.js',
];

export interface SourceFiles {
  /** The directory file paths are relative to (the deepest directory holding every scanned path). */
  root: string;
  /** The top of the git work tree holding root (root itself outside git): SARIF paths start there. */
  top: string;
  /** Relative to root, "/"-separated, sorted. */
  files: string[];
}

/** One .gitignore (or .git/info/exclude): its rules apply to paths below `base`. */
interface IgnoreLevel {
  /** Its directory, relative to the top of the work tree ("" for the top). */
  base: string;
  rules: Ignore;
}

function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}

function readText(path: string): Promise<string | null> {
  return readFile(path, 'utf8').catch(() => null);
}

function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** git's rule: the deepest ignore file with an opinion on the path decides. */
function ignoredByGit(levels: readonly IgnoreLevel[], topPath: string, isDir: boolean): boolean {
  for (let i = levels.length - 1; i >= 0; i--) {
    const level = levels[i] as IgnoreLevel;
    if (level.base !== '' && !topPath.startsWith(`${level.base}/`)) continue;
    const inside = level.base === '' ? topPath : topPath.slice(level.base.length + 1);
    const result = level.rules.test(isDir ? `${inside}/` : inside);
    if (result.ignored) return true;
    if (result.unignored) return false;
  }
  return false;
}

function deepestCommonDirectory(dirs: readonly string[]): string {
  const split = dirs.map((dir) => dir.split(sep));
  const first = split[0] as string[];
  let n = first.length;
  for (const parts of split.slice(1)) {
    let i = 0;
    while (i < n && i < parts.length && parts[i] === first[i]) i++;
    n = i;
  }
  return first.slice(0, n).join(sep) || sep;
}

/** The work tree's top (nearest ancestor with .git), or `dir` itself outside git. */
async function workTreeTop(dir: string): Promise<string> {
  for (let current = dir; ; current = dirname(current)) {
    if (await exists(join(current, '.git'))) return current;
    if (dirname(current) === current) return dir;
  }
}

/** Ignore files between the top of the work tree and `root` (root's own is read by the walk). */
async function outerLevels(top: string, root: string): Promise<IgnoreLevel[]> {
  const levels: IgnoreLevel[] = [];
  const exclude = await readText(join(top, '.git', 'info', 'exclude'));
  if (exclude !== null) levels.push({ base: '', rules: ignore().add(exclude) });
  const parts = toPosix(relative(top, root)).split('/').filter(Boolean);
  for (let i = 0; i < parts.length; i++) {
    const base = parts.slice(0, i).join('/');
    const text = await readText(join(top, ...parts.slice(0, i), '.gitignore'));
    if (text !== null) levels.push({ base, rules: ignore().add(text) });
  }
  return levels;
}

export async function listSourceFiles(paths: readonly string[], options: { cwd: string; ignore?: readonly string[] }): Promise<SourceFiles> {
  const targets: { path: string; dir: boolean }[] = [];
  for (const path of paths.map((entry) => resolve(options.cwd, entry))) {
    const info = await stat(path).catch(() => null);
    if (!info)
      throw new UsageError('scan.path', `no such file or directory: ${path}`, { fix: 'give existing paths to scan (or set code.paths in the plan file)' });
    targets.push({ path, dir: info.isDirectory() });
  }
  const root = deepestCommonDirectory(targets.map((target) => (target.dir ? target.path : dirname(target.path))));
  const top = await workTreeTop(root);
  const offset = toPosix(relative(top, root));
  const fromTop = (rel: string) => (offset === '' ? rel : rel === '' ? offset : `${offset}/${rel}`);
  const fixed = ignore()
    .add([...DEFAULT_IGNORES])
    .add([...(options.ignore ?? [])]);
  const excluded = (levels: readonly IgnoreLevel[], rel: string, isDir: boolean) =>
    fixed.ignores(isDir ? `${rel}/` : rel) || ignoredByGit(levels, fromTop(rel), isDir);
  const files = new Set<string>();

  async function walk(dir: string, rel: string, levels: IgnoreLevel[]): Promise<void> {
    const text = await readText(join(dir, '.gitignore'));
    const here = text === null ? levels : [...levels, { base: fromTop(rel), rules: ignore().add(text) }];
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const path = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!excluded(here, path, true)) await walk(join(dir, entry.name), path, here);
      } else if (entry.isFile() && SOURCE_EXTENSIONS[extname(entry.name).toLowerCase()] && !excluded(here, path, false)) {
        files.add(path);
      }
    }
  }

  const outer = await outerLevels(top, root);
  for (const target of targets) {
    const rel = toPosix(relative(root, target.path));
    if (target.dir) {
      // Ignore files between root and this directory apply too.
      const levels = [...outer];
      const parts = rel.split('/').filter(Boolean);
      for (let i = 0; i < parts.length; i++) {
        const text = await readText(join(root, ...parts.slice(0, i), '.gitignore'));
        if (text !== null) levels.push({ base: fromTop(parts.slice(0, i).join('/')), rules: ignore().add(text) });
      }
      await walk(target.path, rel, levels);
    } else if (SOURCE_EXTENSIONS[extname(target.path).toLowerCase()]) {
      files.add(rel); // a file named explicitly is scanned, ignored or not
    }
  }
  return { root, top, files: [...files].sort() };
}
