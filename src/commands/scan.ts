/**
 * `scan [PATHS...]`: see src/usecases/scan.ts. Human text, --json, --sarif FILE.
 * Exit 3 when there is something to change (an error or warning), 0 otherwise, 2 on bad input.
 */
import type { CommandContext } from '../cli/context.js';
import type { Outcome } from '../cli/output.js';
import { EXIT, UsageError } from '../errors.js';
import { RULE_LIBRARIES, type RuleLibrary } from '../scan/rules/types.js';
import { scanApp, type ScanReport } from '../usecases/scan.js';

export interface ScanOptions {
  /** Commander hands the variadic [paths...] over as one array. */
  args?: (string | string[])[];
  sarif?: string;
  only?: string;
  ignore?: string[];
  docsUrl?: string;
}

function parseOnly(text: string | undefined): RuleLibrary[] | undefined {
  if (!text) return undefined;
  const names = text
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const unknown = names.filter((name) => !(RULE_LIBRARIES as readonly string[]).includes(name));
  if (unknown.length)
    throw new UsageError('option.only', `unknown library "${unknown.join('", "')}" for --only`, { fix: `choose from ${RULE_LIBRARIES.join(', ')}` });
  return names as RuleLibrary[];
}

export async function run(ctx: CommandContext, options: ScanOptions): Promise<Outcome<ScanReport>> {
  const only = parseOnly(options.only);
  const loaded = await ctx.plan();
  const report = await scanApp(ctx, loaded, {
    paths: (options.args ?? []).flat(),
    only,
    ignore: options.ignore ?? [],
    sarif: options.sarif,
    docsUrl: options.docsUrl,
  });
  return { report, exitCode: report.ok ? EXIT.ok : EXIT.checkFailed };
}
