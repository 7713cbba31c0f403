/** `audit`: the newest entries of the audit trail. */
import type { CommandContext } from '../cli/context.js';
import type { Outcome } from '../cli/output.js';
import type { Report } from './report.js';
import { UsageError } from '../errors.js';
import { auditLength, readAudit, type AuditEntry } from '../state/audit.js';

export interface AuditReport extends Report {
  namespace: string;
  total: number;
  entries: AuditEntry[];
}

export async function run(ctx: CommandContext, options: { limit: string }): Promise<Outcome<AuditReport>> {
  const limit = Number(options.limit);
  if (!Number.isInteger(limit) || limit < 1) {
    throw new UsageError('option.limit', `invalid --limit "${options.limit}"`, { fix: 'give a positive whole number, e.g. --limit 50' });
  }
  const loaded = await ctx.plan();
  const keys = ctx.keys(loaded);
  const client = await ctx.connect('audit', loaded);
  const [entries, total] = await Promise.all([readAudit(client, keys, limit), auditLength(client, keys)]);
  return { report: { ok: true, namespace: ctx.namespace(loaded), total, entries } };
}
