/**
 * redis.maxclients-headroom: the clients connected now plus what the transition adds at its peak
 * (both systems' workers running for the tier being flipped, from the plan's topology) must fit
 * under maxclients with a margin.
 */
import { serverFacts } from '../observe/info.js';
import { connectionBudget, currentBudgetStep, type ConnectionBudget } from '../plan/budget.js';
import { readState } from '../state/flag-store.js';
import { effectiveBullmqTiers } from '../state/model.js';
import { configGet, fail, nodeInfos, pass, warn, withRedis, type Verdict } from './support.js';
import type { Check } from './types.js';

/** Keep this share of maxclients free for reconnect storms and operators. */
export const HEADROOM_MARGIN = 0.1;

/** Connections the coming steps add over the current step's budget, at their peak. */
export function predictedExtra(budget: ConnectionBudget, currentStepId: string, tier: string | null): { extra: number; at: string } {
  const current = budget.steps.find((step) => step.id === currentStepId) ?? budget.steps[0]!;
  const index = budget.steps.indexOf(current);
  const candidates = tier ? budget.steps.filter((step) => step.id === `phase2:${tier}`) : budget.steps.slice(index);
  let best = { extra: 0, at: current.id };
  for (const step of candidates) {
    const extra = step.peak - current.steady;
    if (extra > best.extra) best = { extra, at: step.id };
  }
  return best;
}

export function headroomRule(
  nodes: readonly { node: string | null; connected: number | null; maxclients: number | null }[],
  extra: number,
  at: string,
): Verdict {
  let worst: Verdict | null = null;
  for (const { node, connected, maxclients } of nodes) {
    const where = node ? ` on ${node}` : '';
    if (connected === null || maxclients === null) {
      worst ??= warn(
        `maxclients unknown${where} (the server does not report it)`,
        'check the connection limit of your Redis plan against `redis-migrate plan`',
      );
      continue;
    }
    const needed = connected + extra;
    const data = { connected, predictedExtra: extra, peakStep: at, needed, maxclients, node };
    const text = `${connected} connected now + ${extra} more at the predicted peak (${at}) = ${needed} of maxclients ${maxclients}${where}`;
    if (needed > maxclients) return fail(text, "raise maxclients (or the plan's connection limit), or share connections (see `redis-migrate plan`)", data);
    if (needed > maxclients * (1 - HEADROOM_MARGIN))
      worst = warn(`${text}: less than ${HEADROOM_MARGIN * 100} % headroom`, 'raise maxclients or reduce connections before the flip', data);
    else worst ??= pass(text, data);
  }
  return worst ?? pass('no nodes to check');
}

export const maxclientsCheck: Check = {
  id: 'redis.maxclients-headroom',
  title: 'connections fit under maxclients',
  phases: [2],
  run: (ctx) =>
    withRedis(ctx, async (redis) => {
      const [infos, { state }] = await Promise.all([nodeInfos(redis), readState(redis, ctx.keys)]);
      const budget = connectionBudget(ctx.plan);
      const current = currentBudgetStep(budget, {
        useHttpRedis: state.useHttpRedis,
        bullmqTiers: effectiveBullmqTiers(
          state,
          ctx.plan.tiers.map((t) => t.name),
        ),
      });
      const { extra, at } = predictedExtra(budget, current.id, ctx.tier ?? null);
      const fallback = infos.some(({ info }) => serverFacts(info).maxclients === null) ? Number(await configGet(redis, 'maxclients')) || null : null;
      return headroomRule(
        infos.map(({ node, info }) => {
          const facts = serverFacts(info);
          // This check's own connection is not the app's.
          return { node, connected: facts.connectedClients === null ? null : facts.connectedClients - 1, maxclients: facts.maxclients ?? fallback };
        }),
        extra,
        at,
      );
    }),
};
