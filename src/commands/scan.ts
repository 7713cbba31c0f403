/**
 * `scan [PATHS...]`: every Bull, @nestjs/bull and ioredis call site in the app's code with what it
 * becomes; the queues the code uses against the plan's tiers. Human text, --json, --sarif FILE.
 * Exit 3 when there is something to change (an error or warning), 0 otherwise, 2 on bad input.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import type { CommandContext } from '../cli/context.js';
import type { Outcome, Report } from '../cli/output.js';
import { EXIT, UsageError } from '../errors.js';
import { VERSION } from '../version.js';
import type { LoadedPlan } from '../plan/load-plan.js';
import type { Finding } from '../scan/findings.js';
import type { QueueComparison } from '../scan/compare.js';
import type { QueueUse } from '../scan/match.js';
import { RULE_LIBRARIES, type RuleLibrary } from '../scan/rules/types.js';
import type { ScanSummary, UnparsedFile } from '../scan/scan.js';

export interface ScanOptions {
  /** Commander hands the variadic [paths...] over as one array. */
  args?: (string | string[])[];
  sarif?: string;
  only?: string;
  ignore?: string[];
  docsUrl?: string;
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

function parseOnly(text: string | undefined): RuleLibrary[] | undefined {
  if (!text) return undefined;
  const names = text.split(',').map((name) => name.trim()).filter(Boolean);
  const unknown = names.filter((name) => !(RULE_LIBRARIES as readonly string[]).includes(name));
  if (unknown.length) throw new UsageError('option.only', `unknown library "${unknown.join('", "')}" for --only`, { fix: `choose from ${RULE_LIBRARIES.join(', ')}` });
  return names as RuleLibrary[];
}

export async function run(ctx: CommandContext, options: ScanOptions): Promise<Outcome<ScanReport>> {
  const only = parseOnly(options.only);
  const loaded = await ctx.plan();
  const explicit = (options.args ?? []).flat();
  const configured = planCodePaths(loaded, ctx.io.cwd);
  const paths = explicit.length ? explicit.map((path) => resolve(ctx.io.cwd, path)) : configured.paths.length ? configured.paths : [ctx.io.cwd];
  const fromFile = loaded.source !== 'embedded default';
  const planText = fromFile ? await readFile(loaded.source, 'utf8') : '';

  const { scanCode } = await import('../scan/scan.js');
  const result = await scanCode({
    paths,
    cwd: ctx.io.cwd,
    ignore: [...loaded.plan.code.ignore, ...(options.ignore ?? [])],
    plan: fromFile ? { tiers: loaded.plan.tiers, path: loaded.source, text: planText } : null,
    checkMissingQueues: explicit.length === 0,
    ...(only ? { only } : {}),
  });
  const planFile = fromFile ? relative(result.root, loaded.source).split('\\').join('/') : null;
  ctx.log(`scanned ${result.files} files in ${result.durationMs} ms under ${result.root}`);

  let sarif: string | null = null;
  if (options.sarif) {
    const { sarifLog, DEFAULT_DOCS_URL } = await import('../scan/sarif.js');
    sarif = resolve(ctx.io.cwd, options.sarif);
    const log = sarifLog({
      findings: result.findings,
      unparsed: result.unparsed,
      rootFromTop: relative(result.top, result.root).split('\\').join('/'),
      top: result.top,
      version: VERSION,
      docsUrl: options.docsUrl ?? ctx.env('REDIS_MIGRATE_DOCS_URL') ?? DEFAULT_DOCS_URL,
    });
    await writeFile(sarif, `${JSON.stringify(log, null, 2)}\n`, 'utf8');
  }
  const { findings: _compared, ...queues } = result.queues;
  const blocking = result.summary.bySeverity.error + result.summary.bySeverity.warning;
  return {
    report: {
      ok: blocking === 0,
      root: result.root,
      paths,
      findings: result.findings,
      summary: result.summary,
      unparsed: result.unparsed,
      queues: { ...queues, compared: fromFile, plan: planFile },
      sarif,
      durationMs: result.durationMs,
    },
    exitCode: blocking > 0 ? EXIT.checkFailed : EXIT.ok,
  };
}
