/**
 * The shipped alerting rules: `promtool check rules` accepts them (as shipped and as `plan
 * --prometheus-rules` fills them in), and `promtool test rules` shows each alert firing on series
 * that should fire it and staying quiet on series that should not.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { alertRules, renderAlertRules, type AlertRule } from '../../src/monitor/alert-rules.js';
import { defaultPlan } from '../../src/plan/default-plan.js';
import { runCli } from '../support/cli.js';
import { tempDir, writePlan } from '../support/plan-files.js';
import { PROMTOOL, prometheusSkipReason, promtool } from '../support/prometheus.js';
import { defaultPlanDocument } from '../../src/plan/default-plan.js';

const SHIPPED = fileURLToPath(new URL('../../monitoring/prometheus-rules.yml', import.meta.url));
const skip = prometheusSkipReason(PROMTOOL);

/** A plan with every optional alert on: maxConnections set, runbooks published. */
const planDocument = { ...defaultPlanDocument(), thresholds: { maxConnections: 40 }, metrics: { runbookBaseUrl: 'https://git.example.com/ops/runbooks' } };

interface Fired {
  labels: Record<string, string>;
  /** What `{{ $value }}` renders as, when the annotations use it. */
  value?: string;
}

interface Case {
  alert: string;
  series: Record<string, string>;
  evalTime: string;
  fires: Fired[];
}

const J = 'job="redis-migrate"';
const cases: Case[] = [
  {
    alert: 'RedisMigrateFailureRateHigh',
    series: {
      [`redis_migrate_queue_failure_ratio{${J},queue="webhook-health-check",tier="non-critical"}`]: '0.05x10',
      [`redis_migrate_queue_failure_ratio{${J},queue="token-health-reminder",tier="non-critical"}`]: '0.005x10',
      // Failing on legacy: rolling BullMQ back would not help, no alert.
      [`redis_migrate_queue_failure_ratio{${J},queue="adaptive-sync",tier="medium"}`]: '0.5x10',
      [`redis_migrate_tier_effective_side{${J},tier="non-critical",side="bullmq"}`]: '1x10',
      [`redis_migrate_tier_effective_side{${J},tier="medium",side="bullmq"}`]: '0x10',
    },
    evalTime: '5m',
    fires: [{ labels: { queue: 'webhook-health-check', tier: 'non-critical' }, value: '5%' }],
  },
  {
    alert: 'RedisMigrateFailureRateHigh',
    series: {
      [`redis_migrate_queue_failure_ratio{${J},queue="a",tier="t"}`]: '0.05x10',
      [`redis_migrate_tier_effective_side{${J},tier="t",side="bullmq"}`]: '1x10',
    },
    evalTime: '1m',
    fires: [],
  },
  {
    alert: 'RedisMigrateBacklogGrowing',
    series: { 'redis_migrate_backlog_growth_jobs{job="a"}': '2000x10', 'redis_migrate_backlog_growth_jobs{job="b"}': '500x10' },
    evalTime: '6m',
    fires: [{ labels: { job: 'a' }, value: '2000' }],
  },
  {
    alert: 'RedisMigrateConnectionsOverMax',
    series: { 'redis_migrate_app_connections{job="a"}': '50x10', 'redis_migrate_app_connections{job="b"}': '30x10' },
    evalTime: '5m',
    fires: [{ labels: { job: 'a' }, value: '50' }],
  },
  {
    alert: 'RedisMigrateConnectionsOverBudget',
    series: {
      'redis_migrate_app_connections{job="a"}': '60x20',
      'redis_migrate_connections_budget{job="a",bound="peak"}': '46x20',
      'redis_migrate_connections_budget{job="a",bound="steady"}': '40x20',
      'redis_migrate_app_connections{job="b"}': '45x20',
      'redis_migrate_connections_budget{job="b",bound="peak"}': '46x20',
    },
    evalTime: '16m',
    fires: [{ labels: { job: 'a' }, value: '60' }],
  },
  {
    alert: 'RedisMigrateBullmqFailsMoreThanLegacy',
    series: {
      // non-critical: 2 % on BullMQ against 1 % on legacy: fires.
      [`redis_migrate_queue_jobs_failed_total{${J},queue="q1",tier="non-critical",side="bullmq"}`]: '0+2x200',
      [`redis_migrate_queue_jobs_completed_total{${J},queue="q1",tier="non-critical",side="bullmq"}`]: '0+98x200',
      [`redis_migrate_queue_jobs_failed_total{${J},queue="q1",tier="non-critical",side="legacy"}`]: '0+1x200',
      [`redis_migrate_queue_jobs_completed_total{${J},queue="q1",tier="non-critical",side="legacy"}`]: '0+99x200',
      // medium: 1.2 % against 1 %, inside the margin.
      [`redis_migrate_queue_jobs_failed_total{${J},queue="q2",tier="medium",side="bullmq"}`]: '0+12x200',
      [`redis_migrate_queue_jobs_completed_total{${J},queue="q2",tier="medium",side="bullmq"}`]: '0+988x200',
      [`redis_migrate_queue_jobs_failed_total{${J},queue="q2",tier="medium",side="legacy"}`]: '0+10x200',
      [`redis_migrate_queue_jobs_completed_total{${J},queue="q2",tier="medium",side="legacy"}`]: '0+990x200',
      // critical: 50 % but only 3 jobs in 15 minutes, below failureRateMinJobs.
      [`redis_migrate_queue_jobs_failed_total{${J},queue="q3",tier="critical",side="bullmq"}`]: '0+0.1x200',
      [`redis_migrate_queue_jobs_completed_total{${J},queue="q3",tier="critical",side="bullmq"}`]: '0+0.1x200',
      [`redis_migrate_queue_jobs_failed_total{${J},queue="q3",tier="critical",side="legacy"}`]: '0+0x200',
      [`redis_migrate_queue_jobs_completed_total{${J},queue="q3",tier="critical",side="legacy"}`]: '0+10x200',
    },
    evalTime: '100m',
    fires: [{ labels: { tier: 'non-critical' }, value: '2%' }],
  },
  {
    alert: 'RedisMigrateSdkInstancesOutdated',
    series: { 'redis_migrate_sdk_instances_outdated{job="a"}': '2x10', 'redis_migrate_sdk_instances_outdated{job="b"}': '0x10' },
    evalTime: '6m',
    fires: [{ labels: { job: 'a' }, value: '2' }],
  },
  {
    alert: 'RedisMigrateSoakInterrupted',
    series: {
      [`redis_migrate_tier_soak_restarts_total{${J},tier="non-critical"}`]: '0 0 0 1 1 1 1',
      [`redis_migrate_tier_soak_breached{${J},tier="medium"}`]: '1x10',
      [`redis_migrate_tier_soak_restarts_total{${J},tier="critical"}`]: '2x10',
      [`redis_migrate_tier_soak_breached{${J},tier="critical"}`]: '0x10',
    },
    evalTime: '5m',
    fires: [{ labels: { tier: 'non-critical', ...{ job: 'redis-migrate' } } }, { labels: { tier: 'medium', job: 'redis-migrate' } }],
  },
  // An hour after a restart the soak is simply running again.
  {
    alert: 'RedisMigrateSoakInterrupted',
    series: { [`redis_migrate_tier_soak_restarts_total{${J},tier="non-critical"}`]: '0 1x100' },
    evalTime: '90m',
    fires: [],
  },
  {
    alert: 'RedisMigrateMonitorRedisDown',
    series: { 'redis_migrate_up{job="a"}': '1 0x5', 'redis_migrate_up{job="b"}': '1x10' },
    evalTime: '5m',
    fires: [{ labels: { job: 'a' } }],
  },
  { alert: 'RedisMigrateMonitorRedisDown', series: { 'redis_migrate_up{job="a"}': '1 0x5' }, evalTime: '2m', fires: [] },
];

function seriesLabels(series: string): Record<string, string> {
  const inside = /\{(.*)\}/.exec(series)?.[1] ?? '';
  return Object.fromEntries([...inside.matchAll(/(\w+)="([^"]*)"/g)].map((match) => [match[1] as string, match[2] as string]));
}

/** The annotations Prometheus renders for one firing alert. */
function expectedAnnotations(rule: AlertRule, fired: Fired, labels: Record<string, string>): Record<string, string> {
  const render = (text: string) =>
    text
      .replace(/\{\{ \$value \| humanizePercentage \}\}/g, fired.value ?? '?')
      .replace(/\{\{ \$value \}\}/g, fired.value ?? '?')
      .replace(/\{\{ \$labels\.(\w+) \}\}/g, (_, name: string) => labels[name] ?? '');
  return Object.fromEntries(Object.entries(rule.annotations).map(([key, value]) => [key, render(value)]));
}

describe.skipIf(skip !== null)(`Prometheus alerting rules${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('the shipped file is the default plan rendered, and promtool accepts it and a filled-in one', async () => {
    expect(readFileSync(SHIPPED, 'utf8')).toBe(`${renderAlertRules(defaultPlan(), 'embedded default').trimEnd()}\n`);
    const dir = tempDir('rules');
    const run = await runCli(['plan', '--prometheus-rules', '--config', writePlan(planDocument, { dir })], { cwd: dir });
    expect(run.exitCode).toBe(0);
    const filled = join(dir, 'rules.yml');
    writeFileSync(filled, run.stdout);
    expect(run.stdout).toContain('redis_migrate_app_connections > 40');
    expect(run.stdout).toContain('runbook_url: https://git.example.com/ops/runbooks/rollback.md');
    const check = await promtool(['check', 'rules', SHIPPED, filled]);
    expect(check.exitCode, check.output).toBe(0);
    expect(check.output).toMatch(/SUCCESS: 7 rules found[\s\S]*SUCCESS: 8 rules found/);
  });

  it('promtool test rules: every alert fires on the series that should fire it, and only on those', async () => {
    const dir = tempDir('rules-test');
    const run = await runCli(['plan', '--prometheus-rules', '--config', writePlan(planDocument, { dir })], { cwd: dir });
    writeFileSync(join(dir, 'rules.yml'), run.stdout);
    const plan = {
      ...defaultPlan(),
      thresholds: { ...defaultPlan().thresholds, maxConnections: 40 },
      metrics: { host: '127.0.0.1', port: undefined, runbookBaseUrl: 'https://git.example.com/ops/runbooks' },
    };
    const rules = alertRules(plan).groups[0]!.rules;
    // Every alert has a runbook that says it is paged there, and at least one case that fires it.
    for (const rule of rules) {
      expect(
        readFileSync(fileURLToPath(new URL(`../../${rule.annotations.runbook}`, import.meta.url)), 'utf8'),
        `${rule.annotations.runbook} names ${rule.alert}`,
      ).toContain(rule.alert);
      expect(
        cases.some((c) => c.alert === rule.alert && c.fires.length > 0),
        rule.alert,
      ).toBe(true);
    }
    const tests = cases.map((c) => {
      const rule = rules.find((r) => r.alert === c.alert)!;
      const firstLabels = seriesLabels(Object.keys(c.series)[0]!);
      return {
        interval: '1m',
        input_series: Object.entries(c.series).map(([series, values]) => ({ series, values })),
        alert_rule_test: [
          {
            eval_time: c.evalTime,
            alertname: c.alert,
            exp_alerts: c.fires.map((fired) => {
              const labels = { job: firstLabels.job ?? '', ...fired.labels, severity: rule.labels.severity };
              return { exp_labels: labels, exp_annotations: expectedAnnotations(rule, fired, labels) };
            }),
          },
        ],
      };
    });
    writeFileSync(join(dir, 'rules.test.yml'), stringify({ rule_files: ['rules.yml'], evaluation_interval: '1m', tests }, { lineWidth: 0 }));
    const result = await promtool(['test', 'rules', join(dir, 'rules.test.yml')]);
    expect(result.exitCode, result.output).toBe(0);
    expect(result.output).toContain('SUCCESS');
  });
});
