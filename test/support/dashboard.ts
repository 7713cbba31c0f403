/** The shipped Grafana dashboard, read for tests. */
import { readFileSync } from 'node:fs';

export interface DashboardPanel {
  id: number;
  type: string;
  title: string;
  targets?: { expr: string }[];
}

export interface Dashboard {
  uid: string;
  panels: DashboardPanel[];
  templating: { list: { name: string; query: unknown }[] };
}

export function readDashboard(): Dashboard {
  return JSON.parse(readFileSync(new URL('../../monitoring/grafana-dashboard.json', import.meta.url), 'utf8')) as Dashboard;
}

/** Every panel's PromQL query. */
export function panelQueries(dashboard = readDashboard()): string[] {
  return dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => target.expr));
}

/** Grafana's template-variable queries (label_values(...), not PromQL). */
export function variableQueries(dashboard = readDashboard()): string[] {
  return dashboard.templating.list
    .map((variable) => (variable.query as { query?: string } | undefined)?.query)
    .filter((query): query is string => typeof query === 'string');
}
