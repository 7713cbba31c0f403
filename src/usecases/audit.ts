/** The newest entries of the audit trail. */
import type { LoadedPlan } from '../plan/load-plan.js';
import { auditLength, readAudit, type AuditEntry } from '../state/audit.js';
import type { Environment } from './environment.js';
import type { Report } from './report.js';

export interface AuditReport extends Report {
  namespace: string;
  total: number;
  entries: AuditEntry[];
}

/** The newest `limit` entries (in the order they were written), and how many there are in all. */
export async function readAuditTrail(env: Environment, loaded: LoadedPlan, limit: number): Promise<AuditReport> {
  const keys = env.keys(loaded);
  const client = await env.connect('audit', loaded);
  const [entries, total] = await Promise.all([readAudit(client, keys, limit), auditLength(client, keys)]);
  return { ok: true, namespace: env.namespace(loaded), total, entries };
}
