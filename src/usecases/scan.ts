/**
 * Scan the app's code: every Bull, @nestjs/bull and ioredis call site with what it becomes, and
 * the queues the code uses against the plan's tiers; optionally a SARIF file for code scanning.
 * `ok` is false when there is something to change (an error or a warning finding).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import type { LoadedPlan } from '../plan/load-plan.js';
import type { Finding } from '../scan/findings.js';
import type { QueueComparison } from '../scan/compare.js';
import type { QueueUse } from '../scan/match.js';
import type { RuleLibrary } from '../scan/rules/types.js';
import type { ScanSummary, UnparsedFile } from '../scan/scan.js';
import { VERSION } from '../version.js';
import type { Environment } from './environment.js';
import type { Report } from './report.js';

export interface ScanRequest {
  /** Files or directories given on the command line (relative to the environment's cwd); none: the plan's code.paths, else the cwd. */
  paths: string[];
  /** Only these libraries' rules. */
  only?: RuleLibrary[] | undefined;
  /** Extra ignore patterns, after the plan's code.ignore. */
  ignore: string[];
  /** Also write SARIF 2.1.0 to this file. */
  sarif?: string | undefined;
  /** Base URL of the rule docs in the SARIF file. */
  docsUrl?: string | undefined;
}

export interface ScanReport extends Report {
  root: string;
  paths: string[];
  findings: Finding[];
  summary: ScanSummary;
  unparsed: UnparsedFile[];
  queues: Omit<QueueComparison, 'findings'> & { uses: QueueUse[]; compared: boolean; plan: string | null };
  sarif: string | null;
  durationMs: number;
}

/** The plan's code.paths, relative to the plan file; none with the embedded plan. */
export function planCodePaths(loaded: LoadedPlan, cwd: string): { paths: string[]; base: string } {
  const base = loaded.source === 'embedded default' ? cwd : dirname(loaded.source);
  return { paths: loaded.plan.code.paths.map((path) => resolve(base, path)), base };
}

export async function scanApp(env: Environment, loaded: LoadedPlan, request: ScanRequest): Promise<ScanReport> {
  const configured = planCodePaths(loaded, env.cwd);
  const explicit = request.paths.map((path) => resolve(env.cwd, path));
  const paths = explicit.length ? explicit : configured.paths.length ? configured.paths : [env.cwd];
  const fromFile = loaded.source !== 'embedded default';
  const planText = fromFile ? await readFile(loaded.source, 'utf8') : '';

  const { scanCode } = await import('../scan/scan.js');
  const result = await scanCode({
    paths,
    cwd: env.cwd,
    ignore: [...loaded.plan.code.ignore, ...request.ignore],
    plan: fromFile ? { tiers: loaded.plan.tiers, path: loaded.source, text: planText } : null,
    checkMissingQueues: explicit.length === 0,
    ...(request.only ? { only: request.only } : {}),
  });
  const planFile = fromFile ? relative(result.root, loaded.source).split('\\').join('/') : null;
  env.log(`scanned ${result.files} files in ${result.durationMs} ms under ${result.root}`);

  let sarif: string | null = null;
  if (request.sarif) {
    const { sarifLog } = await import('../scan/sarif.js');
    sarif = resolve(env.cwd, request.sarif);
    const log = sarifLog({
      findings: result.findings,
      unparsed: result.unparsed,
      rootFromTop: relative(result.top, result.root).split('\\').join('/'),
      top: result.top,
      version: VERSION,
      docsUrl: request.docsUrl ?? env.env('REDIS_MIGRATE_DOCS_URL'),
    });
    await writeFile(sarif, `${JSON.stringify(log, null, 2)}\n`, 'utf8');
  }
  const { findings: _compared, ...queues } = result.queues;
  const blocking = result.summary.bySeverity.error + result.summary.bySeverity.warning;
  return {
    ok: blocking === 0,
    root: result.root,
    paths,
    findings: result.findings,
    summary: result.summary,
    unparsed: result.unparsed,
    queues: { ...queues, compared: fromFile, plan: planFile },
    sarif,
    durationMs: result.durationMs,
  };
}
