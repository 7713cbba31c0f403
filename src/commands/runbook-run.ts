/** `runbook run NAME`: run the steps in order, with evidence (see src/usecases/runbook-run.ts). */
import { resolve } from 'node:path';
import type { CommandContext } from '../cli/context.js';
import type { Outcome } from '../cli/output.js';
import { EXIT } from '../errors.js';
import { loadRunbook } from '../runbook/library.js';
import { parseVarOptions } from '../runbook/plan-steps.js';
import { runRunbook, type RunbookRunReport, type RunbookSession } from '../usecases/runbook-run.js';

export interface RunbookRunCommandOptions {
  args: string[];
  dir?: string;
  var?: string[];
  from?: string;
  confirmManual?: string[];
  restart?: boolean;
}

/** The global options a step's own `redis-migrate` run inherits. */
function globalArgs(ctx: CommandContext): string[] {
  const args: string[] = [];
  if (ctx.options.config) args.push('--config', resolve(ctx.io.cwd, ctx.options.config));
  if (ctx.options.namespace) args.push('--namespace', ctx.options.namespace);
  if (ctx.options.timeout) args.push('--timeout', ctx.options.timeout);
  return args;
}

export async function run(ctx: CommandContext, options: RunbookRunCommandOptions): Promise<Outcome<RunbookRunReport>> {
  const loaded = await loadRunbook(options.args[0] ?? '', ctx.io.cwd, options.dir);
  const session: RunbookSession = {
    interactive: ctx.io.interactive,
    yes: ctx.yes,
    ask: async (question) => (await import('../cli/prompts.js')).askYesNo(question, ctx.io),
    cliArgs: globalArgs(ctx),
    redisUrl: ctx.options.redisUrl,
    echo: ctx.io.stderr,
    plan: () => ctx.plan(),
  };
  const { report, failed } = await runRunbook(ctx, session, loaded, {
    vars: parseVarOptions(options.var ?? []),
    from: options.from,
    confirmManual: options.confirmManual ?? [],
    restart: Boolean(options.restart),
  });
  return { report, exitCode: failed ? EXIT.checkFailed : EXIT.ok };
}
