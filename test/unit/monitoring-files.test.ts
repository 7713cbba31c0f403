/** The shipped dashboard and docs agree with what the monitor exports. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { alertRules } from '../../src/monitor/alert-rules.js';
import { METRIC_NAMES, METRICS } from '../../src/monitor/metric-catalogue.js';
import { defaultPlan } from '../../src/plan/default-plan.js';
import { panelQueries, readDashboard, variableQueries } from '../support/dashboard.js';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

describe('monitoring files', () => {
  it('the dashboard is valid JSON and every query names metrics the monitor exports', () => {
    const dashboard = readDashboard();
    expect(dashboard.uid).toBe('redis-migrate-soak');
    const ids = dashboard.panels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    const queries = [...panelQueries(dashboard), ...variableQueries(dashboard)];
    expect(queries.length).toBeGreaterThan(20);
    for (const query of queries) {
      const named = [...query.matchAll(/\b(redis_migrate_[a-z0-9_]+)\b/g)].map((match) => match[1]);
      expect(named.length, query).toBeGreaterThan(0);
      for (const name of named) expect(METRIC_NAMES, query).toContain(name);
    }
    for (const panel of dashboard.panels.filter((p) => p.type !== 'row')) expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
  });

  it('metric names follow the conventions: prefix, _total on counters only, unique', () => {
    expect(new Set(METRIC_NAMES).size).toBe(METRIC_NAMES.length);
    for (const spec of Object.values(METRICS)) {
      expect(spec.name).toMatch(/^redis_migrate_[a-z0-9_]+$/);
      expect(spec.name.endsWith('_total'), spec.name).toBe(spec.type === 'counter');
      for (const label of spec.labels) expect(label).toMatch(/^[a-z][a-z_]*$/);
    }
  });

  it('docs/monitoring.md documents every metric and every alert with its runbook', () => {
    const docs = read('docs/monitoring.md');
    for (const spec of Object.values(METRICS)) {
      expect(docs, spec.name).toContain(`\`${spec.name}\``);
      for (const label of spec.labels) expect(docs, `${spec.name} label ${label}`).toMatch(new RegExp(`${spec.name}\\\`[^\\n]*${label}`));
    }
    const plan = { ...defaultPlan(), thresholds: { ...defaultPlan().thresholds, maxConnections: 40 } };
    for (const rule of alertRules(plan).groups[0]!.rules) {
      expect(docs, rule.alert).toMatch(new RegExp(`${rule.alert}[^\\n]*${rule.annotations.runbook.replace('.', '\\.')}`));
    }
    expect(read('README.md')).toContain('docs/monitoring.md');
  });
});
