/** `init`: write a plan file, asking on a terminal, with the defaults under --yes. */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import type { CommandContext } from '../cli/context.js';
import type { Outcome } from '../cli/output.js';
import type { Report } from '../usecases/report.js';
import { UsageError } from '../errors.js';
import { defaultPlanDocument } from '../plan/default-plan.js';
import { isDuration } from '../plan/duration.js';
import { formatIssue, validatePlan } from '../plan/schema.js';

export interface InitReport extends Report {
  path: string;
  document: Record<string, unknown>;
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
    value === legacyPrefix ? 'must differ from the legacy prefix, or the two libraries steal each other\'s jobs' : prefix(value),
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

export async function run(ctx: CommandContext, options: { output: string; force?: boolean }): Promise<Outcome<InitReport>> {
  const path = resolve(ctx.io.cwd, options.output);
  const ext = extname(path).toLowerCase();
  if (!['.json', '.yaml', '.yml'].includes(ext)) {
    throw new UsageError('init.output', `cannot write a plan as "${ext || 'no extension'}": ${path}`, { fix: 'name the file .json, .yaml or .yml' });
  }
  if (existsSync(path) && !options.force) {
    throw new UsageError('init.exists', `${path} already exists`, { fix: 'pass --force to overwrite it, or --output another path' });
  }
  let document = defaultPlanDocument();
  if (!ctx.yes) {
    if (!ctx.io.interactive) {
      throw new UsageError('confirm.required', 'init needs a terminal to ask its questions', { fix: 'pass --yes to write the default plan' });
    }
    document = await askPlan(ctx, document);
  }
  const result = validatePlan(document);
  if (!result.ok) throw new UsageError('config.invalid', result.issues.map(formatIssue).join('; '));
  const text = ext === '.json' ? `${JSON.stringify(document, null, 2)}\n` : (await import('yaml')).stringify(document);
  await writeFile(path, text, 'utf8');
  return { report: { ok: true, path, document } };
}
