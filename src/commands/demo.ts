/** `demo [--soak D] [--rate N]`: see src/usecases/demo.ts. On REDIS_URL / --redis-url when given; exit 3 if a job was lost or run twice. */
import type { CommandContext } from '../cli/context.js';
import type { Outcome } from '../cli/output.js';
import { EXIT, UsageError } from '../errors.js';
import { parseDuration } from '../plan/duration.js';
import { runDemo, type DemoReport } from '../usecases/demo.js';

export interface DemoOptions {
  soak: string;
  rate: string;
}

export async function run(ctx: CommandContext, options: DemoOptions): Promise<Outcome<DemoReport>> {
  const soakMs = parseDuration(options.soak);
  if (soakMs === undefined) throw new UsageError('option.soak', `invalid --soak "${options.soak}"`, { fix: 'give a duration like 1s or 500ms' });
  const rate = /^\d+$/.test(options.rate) && Number(options.rate) > 0 ? Number(options.rate) : 40;
  const report = await runDemo(ctx, { redisUrl: ctx.options.redisUrl ?? ctx.env('REDIS_URL'), soakMs, rate });
  return { report, exitCode: report.ok ? EXIT.ok : EXIT.checkFailed };
}
