/**
 * The HTML report (`report --html FILE`): one self-contained HTML file for the migration record: timeline from the
 * audit, charts of the monitor's samples, connections per step measured beside the plan's
 * prediction, the latest checks. Reads everything, renders once (pure), writes atomically.
 * Secrets are removed from the data before it is rendered.
 */
import { rename, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { selectChecks } from '../checks/registry.js';
import { runChecks } from '../checks/run-checks.js';
import type { CheckResult } from '../checks/types.js';
import { readCleanupProgress } from '../cleanup/progress-store.js';
import type { Sample } from '../observe/samples.js';
import { takeConnectionSnapshot } from '../observe/take-snapshot.js';
import { connectionBudget, currentBudgetStep } from '../plan/budget.js';
import type { LoadedPlan } from '../plan/load-plan.js';
import { redactDeep } from '../redact.js';
import { serverTimeMs } from '../redis/client.js';
import { parseRedisUrl } from '../redis/url.js';
import { connectionRows } from '../report/connection-table.js';
import { renderReportHtml } from '../report/html.js';
import type { CheckRow, ReportData } from '../report/model.js';
import { phaseBands, timelineFromAudit } from '../report/timeline.js';
import { readWholeAudit, type AuditEntry } from '../state/audit.js';
import { readBaselines } from '../state/baselines.js';
import { readState } from '../state/flag-store.js';
import { effectiveBullmqTiers } from '../state/model.js';
import { readSamples } from '../state/samples.js';
import { flagsView, tiersView } from '../state/view.js';
import type { Environment } from './environment.js';
import type { Report } from './report.js';

export interface HtmlReportRequest {
  /** Where to write it (relative to the environment's cwd). */
  file: string;
  /** How many of the newest monitor samples to draw. */
  samples: number;
  /** Run the phase 3 checks for the report. */
  checks: boolean;
}

export interface ReportCommandReport extends Report {
  file: string;
  bytes: number;
  events: number;
  samples: number;
  checks: number;
}

function rows(results: readonly Pick<CheckResult, 'id' | 'status' | 'message'>[]): CheckRow[] {
  return results.map(({ id, status, message }) => ({ id, status, message }));
}

/** The latest `phase3 verify` in the audit, with its results. */
function lastVerify(audit: readonly AuditEntry[]): { at: number; rows: CheckRow[] } | null {
  const entry = [...audit].reverse().find((candidate) => candidate.command === 'phase3 verify' && Array.isArray(candidate.details.verify));
  return entry ? { at: entry.time, rows: rows(entry.details.verify as CheckRow[]) } : null;
}

export async function writeHtmlReport(env: Environment, loaded: LoadedPlan, options: HtmlReportRequest): Promise<ReportCommandReport> {
  const limit = options.samples;
  const { plan } = loaded;
  const keys = env.keys(loaded);
  const redisUrl = env.redisUrl(loaded);
  const connectStarted = performance.now();
  const client = await env.connect('report', loaded);
  const connection = { ok: true, ms: Math.round(performance.now() - connectStarted), error: null };

  const [{ state }, now, audit, samples, baselines, snapshot, cleanup] = await Promise.all([
    readState(client, keys),
    serverTimeMs(client),
    readWholeAudit(client, keys),
    readSamples<Sample>(client, keys, limit),
    readBaselines(client, keys),
    takeConnectionSnapshot(client, plan),
    readCleanupProgress(client, keys),
  ]);
  const checkRuns: ReportData['checks'] = [];
  if (options.checks) {
    const results = await runChecks(selectChecks({ phase: 3 }), {
      plan,
      redis: client,
      redisUrl,
      namespace: env.namespace(loaded),
      keys,
      phase: 3,
      tier: undefined,
      env: env.variables,
      timeoutMs: env.timeoutMs,
      cwd: env.cwd,
      connection,
    });
    checkRuns.push({ at: now, source: 'preflight --phase 3, run for this report', rows: rows(results) });
  }
  const verify = lastVerify(audit);
  if (verify) checkRuns.push({ at: verify.at, source: 'latest phase3 verify', rows: verify.rows });

  const order = plan.tiers.map((tier) => tier.name);
  const budget = connectionBudget(plan);
  const onBullmq = effectiveBullmqTiers(state, order);
  const final = cleanup?.status === 'done' && onBullmq.length === order.length;
  const step = final ? 'final' : currentBudgetStep(budget, { useHttpRedis: state.useHttpRedis, bullmqTiers: onBullmq }).id;
  const timeline = timelineFromAudit(audit);
  const data: ReportData = redactDeep({
    title: `Redis migration report: ${env.namespace(loaded)}`,
    generatedAt: now,
    namespace: env.namespace(loaded),
    redis: parseRedisUrl(redisUrl).display,
    flags: (({ USE_BULLMQ, USE_HTTP_REDIS, BULLMQ_TIERS, names }) => ({
      useBullmq: USE_BULLMQ,
      useHttpRedis: USE_HTTP_REDIS,
      bullmqTiers: BULLMQ_TIERS,
      names,
    }))(flagsView(plan, state)),
    tiers: tiersView(plan, state, now).map((tier) => ({
      name: tier.name,
      queues: tier.queues.length,
      state: tier.effective,
      since: tier.since,
      soakComplete: tier.soak.complete,
      soak: tier.soak.window,
    })),
    timeline,
    phases: phaseBands(audit),
    samples: samples.map(({ sample }) => ({ at: sample.at, connections: sample.connections?.app ?? null, failureRate: sample.failureRate ?? null })),
    samplesRead: samples.length,
    thresholds: { maxConnections: plan.thresholds.maxConnections ?? null, maxFailureRate: plan.thresholds.maxFailureRate ?? null },
    connections: connectionRows(budget.steps, baselines, { at: now, connections: snapshot.app, step }),
    target: { connections: plan.target.connections ?? null },
    checks: checkRuns,
    notes: [
      ...(samples.length === 0 ? ['No monitor samples yet: run `redis-migrate monitor` during the soak windows to fill the charts.'] : []),
      ...(samples.length >= limit ? [`Only the newest ${limit} samples are drawn (--samples).`] : []),
      ...budget.notes,
    ],
  });
  const file = resolve(env.cwd, options.file);
  const html = renderReportHtml(data);
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, html, 'utf8');
  await rename(temp, file);
  return {
    ok: true,
    file,
    bytes: Buffer.byteLength(html),
    events: timeline.length,
    samples: samples.length,
    checks: checkRuns.reduce((n, run) => n + run.rows.length, 0),
  };
}
