/**
 * `report --html FILE`: one self-contained HTML file for the migration record: timeline from the
 * audit, charts of the monitor's samples, connections per step measured beside the plan's
 * prediction, the latest checks. Reads everything, renders once (pure), writes atomically.
 * Secrets are removed from the data before it is rendered.
 */
import { rename, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CommandContext } from '../cli/context.js';
import type { Outcome } from '../cli/output.js';
import type { Report } from './report.js';
import { selectChecks } from '../checks/registry.js';
import { runChecks } from '../checks/run-checks.js';
import type { CheckResult } from '../checks/types.js';
import { readCleanupProgress } from '../cleanup/progress-store.js';
import { UsageError } from '../errors.js';
import type { Sample } from '../observe/samples.js';
import { takeConnectionSnapshot } from '../observe/take-snapshot.js';
import { connectionBudget, currentBudgetStep } from '../plan/budget.js';
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

export interface ReportOptions {
  html?: string;
  samples: string;
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

export async function run(ctx: CommandContext, options: ReportOptions): Promise<Outcome<ReportCommandReport>> {
  if (!options.html) throw new UsageError('usage.missing-option', 'report needs --html FILE', { fix: 'redis-migrate report --html migration-report.html' });
  const limit = Number(options.samples);
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError('option.samples', `invalid --samples "${options.samples}"`, { fix: 'give a positive whole number' });
  const loaded = await ctx.plan();
  const { plan } = loaded;
  const keys = ctx.keys(loaded);
  const redisUrl = ctx.redisUrl(loaded);
  const connectStarted = performance.now();
  const client = await ctx.connect('report', loaded);
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
      plan, redis: client, redisUrl, namespace: ctx.namespace(loaded), keys, phase: 3, tier: undefined,
      env: ctx.io.env, timeoutMs: ctx.timeoutMs, cwd: ctx.io.cwd, connection,
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
    title: `Redis migration report: ${ctx.namespace(loaded)}`,
    generatedAt: now,
    namespace: ctx.namespace(loaded),
    redis: parseRedisUrl(redisUrl).display,
    flags: (({ USE_BULLMQ, USE_HTTP_REDIS, BULLMQ_TIERS, names }) => ({ useBullmq: USE_BULLMQ, useHttpRedis: USE_HTTP_REDIS, bullmqTiers: BULLMQ_TIERS, names }))(flagsView(plan, state)),
    tiers: tiersView(plan, state, now).map((tier) => ({ name: tier.name, queues: tier.queues.length, state: tier.effective, since: tier.since, soakComplete: tier.soak.complete, soak: tier.soak.window })),
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
  const file = resolve(ctx.io.cwd, options.html);
  const html = renderReportHtml(data);
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, html, 'utf8');
  await rename(temp, file);
  return {
    report: { ok: true, file, bytes: Buffer.byteLength(html), events: timeline.length, samples: samples.length, checks: checkRuns.reduce((n, run) => n + run.rows.length, 0) },
  };
}
