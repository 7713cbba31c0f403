/** `init`: write a plan file, asking on a terminal, with the defaults under --yes. */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, extname, relative, resolve } from 'node:path';
import type { CommandContext } from '../cli/context.js';
import type { Outcome } from '../cli/output.js';
import type { Report } from '../usecases/report.js';
import { UsageError } from '../errors.js';
import { defaultPlanDocument } from '../plan/default-plan.js';
import { isDuration } from '../plan/duration.js';
import { assignTiers, proposeTiers, type ProposedQueue } from '../plan/from-code.js';
import { planFileText } from '../plan/plan-file-text.js';
import { formatIssue, validatePlan } from '../plan/schema.js';

export interface InitReport extends Report {
  path: string;
  document: Record<string, unknown>;
  /** With --from-code: each queue found and the tier it was given (why: known from the default plan, or unknown). */
  fromCode: { files: number; queues: ProposedQueue[] } | null;
}

interface TierDocument {
  name: string;
  queues: string[];
  soak: string;
  watch?: string;
}

async function askPlan(ctx: CommandContext, document: Record<string, unknown>): Promise<Record<string, unknown>> {
  const { askText } = await import('../cli/prompts.js');
  const name = (value: string) => /^[a-z0-9][a-z0-9._-]*$/i.test(value) || 'letters, digits, "-", "_" and "." only';
  const prefix = (value: string) => /^[^\s:]+$/.test(value) || 'no spaces or ":"';
  const duration = (value: string) => isDuration(value) || 'a duration like 24h, 90m or 30s';
  const namespace = await askText('Namespace for the migration state', 'default', ctx.io, name);
  const legacyPrefix = await askText('Key prefix of the legacy (Bull) queues', 'bull', ctx.io, prefix);
  const bullmqPrefix = await askText('Key prefix for the BullMQ queues (must differ from the legacy one)', 'bullmq', ctx.io, (value) =>
    value === legacyPrefix ? "must differ from the legacy prefix, or the two libraries steal each other's jobs" : prefix(value),
  );
  const tiers: TierDocument[] = [];
  for (const tier of document.tiers as TierDocument[]) {
    const soak = await askText(`Soak window for tier "${tier.name}" (${tier.queues.length} queues)`, tier.soak, ctx.io, duration);
    tiers.push({ ...tier, soak });
  }
  const dotenv = await askText('Dotenv file to mirror the flags into (empty: none)', '', ctx.io);
  return {
    ...document,
    namespace,
    legacy: { library: 'bull', prefix: legacyPrefix },
    bullmq: { prefix: bullmqPrefix },
    tiers,
    sinks: { ...(dotenv ? { dotenv: { path: dotenv } } : {}), hooks: [] },
  };
}

/** --from-code: the queues the scan finds become the plan's tiers, and the paths its code.paths. */
async function planFromCode(
  ctx: CommandContext,
  document: Record<string, unknown>,
  paths: string[],
  outputDir: string,
): Promise<{ document: Record<string, unknown>; fromCode: NonNullable<InitReport['fromCode']> }> {
  const { scanCode } = await import('../scan/scan.js');
  const scan = await scanCode({ paths, cwd: ctx.io.cwd });
  const names = scan.queues.found.map((entry) => entry.name);
  if (names.length === 0) {
    throw new UsageError(
      'init.no-queues',
      `no queue names found in ${paths.join(', ')} (${scan.files} files scanned, ${scan.queues.unresolved} names built at run time)`,
      {
        fix: "point --from-code at the app's source, or run `redis-migrate init` without it and list the queues by hand",
      },
    );
  }
  const defaults = document.tiers as TierDocument[];
  let proposal = proposeTiers(names, defaults);
  if (!ctx.yes && ctx.io.interactive) {
    const { askText } = await import('../cli/prompts.js');
    const tierNames = defaults.map((tier) => tier.name);
    const answers: ProposedQueue[] = [];
    for (const entry of proposal.queues) {
      const tier = await askText(
        `Tier for queue "${entry.queue}" (${tierNames.join(' / ')})`,
        entry.tier,
        ctx.io,
        (value) => tierNames.includes(value) || `one of ${tierNames.join(', ')}`,
      );
      answers.push({ queue: entry.queue, tier, why: tier === entry.tier ? entry.why : 'known' });
    }
    proposal = { tiers: assignTiers(answers, defaults), queues: answers };
  } else {
    const unknown = proposal.queues.filter((entry) => entry.why === 'unknown');
    if (unknown.length)
      ctx.log(
        `note: ${unknown.length} queue(s) the default plan does not know went to the most careful tier "${unknown[0]?.tier}": ${unknown.map((entry) => entry.queue).join(', ')}; move them to an earlier tier if they are less critical`,
      );
  }
  const codePaths = paths.map((path) => relative(outputDir, resolve(ctx.io.cwd, path)).split('\\').join('/') || '.');
  return { document: { ...document, tiers: proposal.tiers, code: { paths: codePaths, ignore: [] } }, fromCode: { files: scan.files, queues: proposal.queues } };
}

export async function run(ctx: CommandContext, options: { output: string; force?: boolean; fromCode?: string[] }): Promise<Outcome<InitReport>> {
  const path = resolve(ctx.io.cwd, options.output);
  const ext = extname(path).toLowerCase();
  if (!['.json', '.yaml', '.yml'].includes(ext)) {
    throw new UsageError('init.output', `cannot write a plan as "${ext || 'no extension'}": ${path}`, { fix: 'name the file .json, .yaml or .yml' });
  }
  if (existsSync(path) && !options.force) {
    throw new UsageError('init.exists', `${path} already exists`, { fix: 'pass --force to overwrite it, or --output another path' });
  }
  let document = defaultPlanDocument();
  let fromCode: InitReport['fromCode'] = null;
  if (options.fromCode?.length) ({ document, fromCode } = await planFromCode(ctx, document, options.fromCode, dirname(path)));
  if (!ctx.yes) {
    if (!ctx.io.interactive) {
      throw new UsageError('confirm.required', 'init needs a terminal to ask its questions', { fix: 'pass --yes to write the default plan' });
    }
    document = await askPlan(ctx, document);
  }
  const result = validatePlan(document);
  if (!result.ok) throw new UsageError('config.invalid', result.issues.map(formatIssue).join('; '));
  await writeFile(path, await planFileText(document, path), 'utf8');
  return { report: { ok: true, path, document, fromCode } };
}
