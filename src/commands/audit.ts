/** `audit [--limit N]`: the newest entries of the audit trail (src/usecases/audit.ts). */
import type { CommandContext } from '../cli/context.js';
import type { Outcome } from '../cli/output.js';
import { UsageError } from '../errors.js';
import { readAuditTrail, type AuditReport } from '../usecases/audit.js';

export async function run(ctx: CommandContext, options: { limit: string }): Promise<Outcome<AuditReport>> {
  const limit = Number(options.limit);
  if (!Number.isInteger(limit) || limit < 1) {
    throw new UsageError('option.limit', `invalid --limit "${options.limit}"`, { fix: 'give a positive whole number, e.g. --limit 50' });
  }
  return { report: await readAuditTrail(ctx, await ctx.plan(), limit) };
}
