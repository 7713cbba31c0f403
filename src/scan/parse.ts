/**
 * Parsing with @babel/parser: pure JavaScript (no native binary to install per platform), reads
 * TypeScript, JSX and legacy decorators (NestJS) in one pass, recovers from many errors, and runs on
 * Node 20. Loaded on first use only, so no command but `scan` (and the check) pays for it.
 */
import type { File } from '@babel/types';

export type SourceLanguage = 'js' | 'jsx' | 'ts' | 'tsx';

export const SOURCE_EXTENSIONS: Readonly<Record<string, SourceLanguage>> = {
  '.js': 'jsx',
  '.jsx': 'jsx',
  '.mjs': 'js',
  '.cjs': 'js',
  '.ts': 'ts',
  '.mts': 'ts',
  '.cts': 'ts',
  '.tsx': 'tsx',
};

export type ParseOutcome = { ok: true; ast: File } | { ok: false; line: number; column: number; message: string };

type ParseFn = typeof import('@babel/parser').parse;
let parser: Promise<ParseFn> | undefined;

/** The parser module, imported once. */
export function loadParser(): Promise<ParseFn> {
  parser ??= import('@babel/parser').then((module) => module.parse);
  return parser;
}

function plugins(language: SourceLanguage): NonNullable<Parameters<ParseFn>[1]>['plugins'] {
  if (language === 'ts') return ['typescript', 'decorators-legacy'];
  if (language === 'tsx') return ['typescript', 'jsx', 'decorators-legacy'];
  if (language === 'jsx') return ['jsx', 'decorators-legacy'];
  return ['decorators-legacy'];
}

/** Parses one file; a syntax error is a result (the scan goes on), not an exception. */
export function parseSource(parse: ParseFn, text: string, language: SourceLanguage): ParseOutcome {
  const options = {
    sourceType: 'unambiguous' as const,
    allowReturnOutsideFunction: true,
    allowAwaitOutsideFunction: true,
    allowImportExportEverywhere: true,
    allowUndeclaredExports: true,
    allowNewTargetOutsideFunction: true,
    allowSuperOutsideMethod: true,
    errorRecovery: true,
    plugins: plugins(language),
  };
  try {
    return { ok: true, ast: parse(text, options) };
  } catch (first) {
    // A .js file may be JSX-free code that JSX parsing rejects (`a < b > c`), or Flow: try once without JSX.
    if (language === 'jsx') {
      try {
        return { ok: true, ast: parse(text, { ...options, plugins: plugins('js') }) };
      } catch {
        // Report the first error: it is the one the file's own language gives.
      }
    }
    const error = first as Error & { loc?: { line: number; column: number } };
    return { ok: false, line: error.loc?.line ?? 1, column: (error.loc?.column ?? 0) + 1, message: error.message.replace(/\s*\(\d+:\d+\)$/, '') };
  }
}
