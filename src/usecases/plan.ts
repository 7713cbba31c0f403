/** The plan as the operator reviews it: what each phase and tier will do, with the current state when Redis can be reached. */
import { phase1 } from '../../phases/phase1.js';
import { phase2 } from '../../phases/phase2.js';
import { phase3 } from '../../phases/phase3.js';
import type { PhaseStep } from '../../phases/types.js';
import { CliError } from '../errors.js';
import { connectionBudget, currentBudgetStep, type ConnectionBudget } from '../plan/budget.js';
import type { LoadedPlan } from '../plan/load-plan.js';
import type { Topology } from '../plan/topology-schema.js';
import type { RulesFile } from '../monitor/alert-rules.js';
import { parseRedisUrl } from '../redis/url.js';
import { serverTimeMs } from '../redis/client.js';
import { readState } from '../state/flag-store.js';
import { flagsView, tiersView, type FlagsView, type TierView } from '../state/view.js';
import type { Environment } from './environment.js';
import type { Report } from './report.js';

export interface PlanReport extends Report {
  plan: string;
  namespace: string;
  redis: string;
  legacy: { library: string; prefix: string };
  bullmq: { prefix: string };
  flagNames: { useBullmq: string; bullmqTiers: string; useHttpRedis: string };
  /** Each phase: its steps, and its checks as the check registry gives them, with the commands that run them. */
  phases: { id: string; title: string; steps: readonly PhaseStep[]; checks: readonly string[]; checksRunBy: string }[];
  tiers: (TierView & { order: number })[];
  topology: Topology;
  /** Connections each step predicts from the topology, and whether the target is reachable. */
  budget: ConnectionBudget & { current: string | null };
  /** The live state, or null with the reason when Redis could not be read. */
  state: { version: number; flags: FlagsView } | null;
  stateError: string | null;
}

/** `plan --prometheus-rules`: the alerting rules with this plan's thresholds, for Prometheus' rule_files. */
export interface PrometheusRulesReport extends Report {
  plan: string;
  /** The rules file as YAML (what the human output prints). */
  yaml: string;
  rules: RulesFile;
}

/** The alerting rules with this plan's thresholds. Offline on purpose: CI can render them from the plan file without reaching Redis. */
export async function prometheusRules(loaded: LoadedPlan): Promise<PrometheusRulesReport> {
  const { alertRules, renderAlertRules } = await import('../monitor/alert-rules.js');
  return { ok: true, plan: loaded.source, yaml: renderAlertRules(loaded.plan, loaded.source), rules: alertRules(loaded.plan) };
}

export async function describePlan(env: Environment, loaded: LoadedPlan): Promise<PlanReport> {
  const { plan } = loaded;
  const keys = env.keys(loaded);
  let state = null;
  let stateError: string | null = null;
  let now = Date.now();
  try {
    const client = await env.connect('plan', loaded);
    const read = await readState(client, keys);
    now = await serverTimeMs(client);
    state = read.state;
  } catch (error) {
    // The plan itself is useful offline (e.g. reviewing a plan file in CI); the state is a bonus.
    if (!(error instanceof CliError)) throw error;
    stateError = error.message;
    env.log(`note: current state not shown: ${error.message}`);
  }
  const { emptyState } = await import('../state/model.js');
  const tiers = tiersView(plan, state ?? emptyState(), now).map((tier, order) => ({ ...tier, order: order + 1 }));
  const budget = connectionBudget(plan);
  const { effectiveBullmqTiers } = await import('../state/model.js');
  const current = state
    ? currentBudgetStep(budget, {
        useHttpRedis: state.useHttpRedis,
        bullmqTiers: effectiveBullmqTiers(
          state,
          plan.tiers.map((tier) => tier.name),
        ),
      }).id
    : null;
  return {
    ok: true,
    plan: loaded.source,
    namespace: env.namespace(loaded),
    redis: parseRedisUrl(env.redisUrl(loaded)).display,
    legacy: plan.legacy,
    bullmq: plan.bullmq,
    flagNames: plan.flags,
    phases: [phase1, phase2, phase3].map(({ id, title, steps, checks, checksRunBy }) => ({ id, title, steps, checks, checksRunBy })),
    tiers,
    topology: plan.topology,
    budget: { ...budget, current },
    state: state ? { version: state.version, flags: flagsView(plan, state) } : null,
    stateError,
  };
}
