/**
 * Imports between scanned files, resolved the way Node and TypeScript do for the common cases:
 * relative paths (with or without extension, index files, `.js` written for a `.ts` file) and the
 * `paths` aliases of the root tsconfig.json / jsconfig.json (`@modules/*` → `src/modules/*`).
 */
import { posix } from 'node:path';

const EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];
const TS_FOR_JS: Readonly<Record<string, readonly string[]>> = { '.js': ['.ts', '.tsx'], '.jsx': ['.tsx'], '.mjs': ['.mts'], '.cjs': ['.cts'] };

/** A tsconfig `paths` entry, its targets relative to the scan root. */
export interface PathAlias {
  pattern: string;
  targets: string[];
}

/** `compilerOptions.baseUrl` and `paths` of a tsconfig text (comments and trailing commas allowed). */
export function tsconfigAliases(text: string): PathAlias[] {
  let config: { compilerOptions?: { baseUrl?: string; paths?: Record<string, string[]> } };
  try {
    const json = text
      .replace(/("(?:[^"\\]|\\.)*")|\/\/[^\n]*|\/\*[\s\S]*?\*\//g, (_match, string: string | undefined) => string ?? '')
      .replace(/,(\s*[}\]])/g, '$1');
    config = JSON.parse(json);
  } catch {
    return [];
  }
  const baseUrl = config.compilerOptions?.baseUrl ?? '.';
  return Object.entries(config.compilerOptions?.paths ?? {}).map(([pattern, targets]) => ({
    pattern,
    targets: (Array.isArray(targets) ? targets : []).map((target) => posix.normalize(posix.join(baseUrl, target))),
  }));
}

function aliasTargets(aliases: readonly PathAlias[], specifier: string): string[] {
  const out: string[] = [];
  for (const alias of aliases) {
    const star = alias.pattern.indexOf('*');
    if (star === -1) {
      if (alias.pattern === specifier) out.push(...alias.targets);
      continue;
    }
    const prefix = alias.pattern.slice(0, star);
    const suffix = alias.pattern.slice(star + 1);
    if (!specifier.startsWith(prefix) || !specifier.endsWith(suffix) || specifier.length < prefix.length + suffix.length) continue;
    const middle = specifier.slice(prefix.length, specifier.length - suffix.length);
    out.push(...alias.targets.map((target) => target.replace('*', middle)));
  }
  return out;
}

/** Returns the index of the imported file among `files`, or null (a package, or a file not scanned). */
export function localResolver(files: readonly string[], aliases: readonly PathAlias[] = []): (from: string, specifier: string) => number | null {
  const index = new Map(files.map((file, i) => [file, i]));
  const find = (base: string): number | null => {
    const candidates = [base, ...EXTENSIONS.map((ext) => base + ext), ...EXTENSIONS.map((ext) => `${base}/index${ext}`)];
    const ext = posix.extname(base);
    for (const swap of TS_FOR_JS[ext] ?? []) candidates.push(base.slice(0, -ext.length) + swap);
    for (const candidate of candidates) {
      const found = index.get(candidate);
      if (found !== undefined) return found;
    }
    return null;
  };
  return (from, specifier) => {
    if (specifier.startsWith('.')) return find(posix.normalize(posix.join(posix.dirname(from), specifier)));
    for (const target of aliasTargets(aliases, specifier)) {
      const found = find(target);
      if (found !== null) return found;
    }
    return null;
  };
}
