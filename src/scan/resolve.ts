/** Relative imports between scanned files, resolved the way Node and TypeScript do for the common cases. */
import { posix } from 'node:path';

const EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];
const TS_FOR_JS: Readonly<Record<string, readonly string[]>> = { '.js': ['.ts', '.tsx'], '.jsx': ['.tsx'], '.mjs': ['.mts'], '.cjs': ['.cts'] };

/** Returns the index of the imported file among `files`, or null (a package, or a file not scanned). */
export function localResolver(files: readonly string[]): (from: string, specifier: string) => number | null {
  const index = new Map(files.map((file, i) => [file, i]));
  return (from, specifier) => {
    if (!specifier.startsWith('.')) return null;
    const base = posix.normalize(posix.join(posix.dirname(from), specifier));
    const candidates = [base, ...EXTENSIONS.map((ext) => base + ext), ...EXTENSIONS.map((ext) => `${base}/index${ext}`)];
    const ext = posix.extname(base);
    for (const swap of TS_FOR_JS[ext] ?? []) candidates.push(base.slice(0, -ext.length) + swap);
    for (const candidate of candidates) {
      const found = index.get(candidate);
      if (found !== undefined) return found;
    }
    return null;
  };
}
