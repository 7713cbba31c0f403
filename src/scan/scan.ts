/**
 * The scan as a use-case: list the files, parse them, follow the libraries' values across them,
 * match the rules, compare the queues with the plan. Reads files; prints nothing.
 */
import { readFile } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import { bindFile } from './bind.js';
import { compareQueues, type PlanQueues, type QueueComparison } from './compare.js';
import { compareFindings, type Finding } from './findings.js';
import { listSourceFiles } from './files.js';
import { Inference } from './infer.js';
import { followValues } from './infer-facts.js';
import { nameQueueSymbols, scanFile, type QueueUse, type RedisKeyUse } from './match.js';
import { reachableFiles, type FileModel, type Sym } from './model.js';
import { loadParser, parseSource, SOURCE_EXTENSIONS } from './parse.js';
import { localResolver, tsconfigAliases, type PathAlias } from './resolve.js';
import type { RuleLibrary, Severity } from './rules/types.js';

export interface ScanInput {
  paths: readonly string[];
  cwd: string;
  /** Extra gitignore-style patterns (the plan's code.ignore, --ignore). */
  ignore?: readonly string[];
  /** The plan's tiers to compare the queues with (`path`: the plan file); null: no comparison. */
  plan?: (Omit<PlanQueues, 'file'> & { path: string }) | null;
  /** Report plan queues the code never names (only when the whole app is scanned). */
  checkMissingQueues?: boolean;
  /** Keep only these libraries' findings. */
  only?: readonly RuleLibrary[];
}

export interface UnparsedFile {
  file: string;
  line: number;
  column: number;
  message: string;
}

export interface ScanResult {
  root: string;
  /** The git work tree's top (root outside git). */
  top: string;
  files: number;
  findings: Finding[];
  unparsed: UnparsedFile[];
  queues: QueueComparison & { uses: QueueUse[] };
  /** Files that import Bull or @nestjs/bull at run time. */
  bullFiles: string[];
  /** ioredis commands on keys the scan can read. */
  redisKeys: RedisKeyUse[];
  summary: ScanSummary;
  durationMs: number;
}

export interface ScanSummary {
  files: number;
  parsed: number;
  unparsed: number;
  findings: number;
  bySeverity: Record<Severity, number>;
  byRule: Record<string, number>;
  byFile: Record<string, number>;
  byLibrary: Record<string, number>;
}

async function readAll(root: string, files: readonly string[]): Promise<(string | null)[]> {
  const texts: (string | null)[] = new Array(files.length).fill(null);
  const batch = 64;
  for (let start = 0; start < files.length; start += batch) {
    await Promise.all(
      files.slice(start, start + batch).map(async (file, i) => {
        texts[start + i] = await readFile(join(root, file), 'utf8').catch(() => null);
      }),
    );
  }
  return texts;
}

/** Path aliases of the root's tsconfig.json or jsconfig.json, so `@app/queues` resolves like `./src/queues`. */
async function readAliases(root: string): Promise<PathAlias[]> {
  for (const name of ['tsconfig.json', 'jsconfig.json']) {
    const text = await readFile(join(root, name), 'utf8').catch(() => null);
    if (text !== null) return tsconfigAliases(text);
  }
  return [];
}

function summarize(files: number, unparsed: number, findings: readonly Finding[]): ScanSummary {
  const bySeverity: Record<Severity, number> = { error: 0, warning: 0, note: 0 };
  const byRule: Record<string, number> = {};
  const byFile: Record<string, number> = {};
  const byLibrary: Record<string, number> = {};
  for (const finding of findings) {
    bySeverity[finding.severity]++;
    byRule[finding.rule] = (byRule[finding.rule] ?? 0) + 1;
    byFile[finding.file] = (byFile[finding.file] ?? 0) + 1;
    byLibrary[finding.library] = (byLibrary[finding.library] ?? 0) + 1;
  }
  return { files, parsed: files - unparsed, unparsed, findings: findings.length, bySeverity, byRule, byFile, byLibrary };
}

export async function scanCode(input: ScanInput): Promise<ScanResult> {
  const started = performance.now();
  const { root, top, files } = await listSourceFiles(input.paths, { cwd: input.cwd, ignore: input.ignore ?? [] });
  const [texts, parse, aliases] = await Promise.all([readAll(root, files), loadParser(), readAliases(root)]);
  const resolve = localResolver(files, aliases);
  const unparsed: UnparsedFile[] = [];
  const models: FileModel[] = [];
  const modelTexts: string[] = [];
  // File indexes in the models are positions in `files`, so imports resolve to them directly.
  const slots: (FileModel | null)[] = new Array(files.length).fill(null);
  files.forEach((file, index) => {
    const text = texts[index];
    if (text === null || text === undefined) {
      unparsed.push({ file, line: 1, column: 1, message: 'could not be read' });
      return;
    }
    const language = SOURCE_EXTENSIONS[extname(file).toLowerCase()] ?? 'js';
    const outcome = parseSource(parse, text, language);
    if (!outcome.ok) {
      unparsed.push({ file, line: outcome.line, column: outcome.column, message: outcome.message });
      return;
    }
    const model = bindFile(index, file, outcome.ast, (specifier) => resolve(file, specifier));
    slots[index] = model;
    models.push(model);
    modelTexts[index] = text;
  });
  const reached = reachableFiles(slots);
  const followed = slots.map((model) => (model && reached.has(model.index) ? model : null));
  const inference = new Inference(followed, (from, specifier) => resolve(files[from] ?? '', specifier));
  followValues(inference);

  let findings: Finding[] = [];
  const uses: QueueUse[] = [];
  const bullFiles: string[] = [];
  const redisKeys: RedisKeyUse[] = [];
  const followedModels = models.filter((model) => reached.has(model.index));
  const symQueues = new Map<Sym, string>();
  for (const model of followedModels) nameQueueSymbols(model, inference, symQueues);
  for (const model of followedModels) {
    const result = scanFile(model, inference, modelTexts[model.index] ?? '', symQueues);
    findings.push(...result.findings);
    uses.push(...result.queues);
    if (result.importsBull) bullFiles.push(model.path);
    redisKeys.push(...result.redisKeys);
  }
  const plan = input.plan ? { tiers: input.plan.tiers, text: input.plan.text, file: relative(root, input.plan.path).split(sep).join('/') } : null;
  const comparison = compareQueues(uses, plan, input.checkMissingQueues ?? false);
  findings.push(...comparison.findings);
  if (input.only?.length) findings = findings.filter((finding) => input.only?.includes(finding.library));
  findings.sort(compareFindings);
  return {
    root,
    top,
    files: files.length,
    findings,
    unparsed,
    queues: { ...comparison, uses },
    bullFiles,
    redisKeys,
    summary: summarize(files.length, unparsed.length, findings),
    durationMs: Math.round(performance.now() - started),
  };
}
