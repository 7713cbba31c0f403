/**
 * The connection budget each step of the migration predicts from the plan's topology. Pure.
 * Per process replica (measured, see the facts on Bull and BullMQ):
 *  - Bull: 3 per worked queue (client, subscriber, blocking), 1 per produced-only queue;
 *    with createClient sharing 2 + 1 per worked queue.
 *  - BullMQ on one shared connection: 1 + 1 per Worker + 1 per QueueEvents; with options per
 *    instance: 1 per Queue, 2 per Worker, 1 per QueueEvents.
 *  - plus the process's other connections (phase 1's ioredis ones until phase 1, the flags SDK's
 *    until cleanup; an SDK that runs its commands on the shared BullMQ connection, or the queues
 *    adapter (`redis-migrate/queues`), keeps that one open from the start).
 */
import type { Plan } from './schema.js';
import { selectQueues, type MergeMode, type PlanProcess, type Topology } from './topology-schema.js';

export interface ProcessBudget {
  process: string;
  replicas: number;
  /** Connections of one replica. */
  perReplica: number;
  legacy: number;
  bullmq: number;
  other: number;
  total: number;
}

export interface BudgetStep {
  /** "legacy", "phase1", "phase2:<tier>", "final". */
  id: string;
  label: string;
  /** Tiers whose queues run on BullMQ at this step. */
  onBullmq: string[];
  /** After the step, once legacy workers of the flipped tier have drained and stopped. */
  steady: number;
  /** During the step: both systems' workers run for the tier being flipped. */
  peak: number;
  processes: ProcessBudget[];
}

export interface BudgetAlternative {
  label: string;
  final: number;
  reachesTarget: boolean | null;
}

export interface ConnectionBudget {
  steps: BudgetStep[];
  target: number | null;
  final: number;
  /** Null without a target. */
  reachable: boolean | null;
  /** What would change the final count, with the numbers. */
  alternatives: BudgetAlternative[];
  notes: string[];
}

/** Where the migration is, for one budget reading. */
export interface Step {
  bullmq: Set<string>;
  draining: Set<string>;
  phase1Done: boolean;
  cleanedUp: boolean;
}

function unitOf(queue: string, merge: MergeMode, queueTier: Record<string, string>): string {
  if (merge === 'all') return '*';
  if (merge === 'tier') return `tier:${queueTier[queue] ?? queue}`;
  return queue;
}

function uniqueUnits(queues: readonly string[], merge: MergeMode, queueTier: Record<string, string>): number {
  return new Set(queues.map((queue) => unitOf(queue, merge, queueTier))).size;
}

/** One replica of one process at one step. */
export function processConnections(
  process: PlanProcess,
  allQueues: readonly string[],
  queueTier: Record<string, string>,
  merge: MergeMode,
  step: Step,
): ProcessBudget {
  const workers = selectQueues(process.workers, allQueues);
  const events = selectQueues(process.queueEvents, allQueues);
  const produces = selectQueues(process.produces, allQueues);

  const onLegacy = (queue: string) => !step.bullmq.has(queue) || step.draining.has(queue);
  const legacyWorked = workers.filter(onLegacy);
  const legacyUsed = [...new Set([...workers, ...produces, ...events].filter((queue) => !step.bullmq.has(queue)))];
  const legacyProducedOnly = legacyUsed.filter((queue) => !legacyWorked.includes(queue));
  const legacyListened = legacyProducedOnly.filter((queue) => events.includes(queue));
  let legacy = 0;
  if (process.legacyConnection === 'shared') {
    if (legacyUsed.length || legacyWorked.length) legacy = 1 + (legacyWorked.length || legacyListened.length ? 1 : 0) + legacyWorked.length;
  } else {
    legacy = 3 * legacyWorked.length + legacyProducedOnly.length + legacyListened.length;
  }

  const onBullmq = (queue: string) => step.bullmq.has(queue);
  const bWorkers = uniqueUnits(workers.filter(onBullmq), merge, queueTier);
  const bEvents = uniqueUnits(events.filter(onBullmq), merge, queueTier);
  const bProduced = uniqueUnits(produces.filter(onBullmq), merge, queueTier);
  const bUsed = uniqueUnits([...workers, ...events, ...produces].filter(onBullmq), merge, queueTier);
  // A flags SDK that shares the BullMQ connection, or the queues adapter, keeps it open from the start until cleanup.
  const sharedOpen = bUsed > 0 || ((process.connections.flagsSdkOnBullmq || process.connections.queuesAdapter) && !step.cleanedUp);
  const bullmq = process.bullmqConnection === 'shared' ? (sharedOpen ? 1 : 0) + bWorkers + bEvents : bProduced + 2 * bWorkers + bEvents;

  const extra = process.connections;
  const other = extra.other + (step.phase1Done ? 0 : extra.phase1) + (step.cleanedUp ? 0 : extra.flagsSdk);
  const perReplica = legacy + bullmq + other;
  return { process: process.name, replicas: process.replicas, perReplica, legacy, bullmq, other, total: perReplica * process.replicas };
}

function total(
  topology: Topology,
  allQueues: readonly string[],
  queueTier: Record<string, string>,
  step: Step,
  merge = topology.merge,
): { total: number; processes: ProcessBudget[] } {
  const processes = topology.processes.map((process) => processConnections(process, allQueues, queueTier, merge, step));
  return { total: processes.reduce((sum, process) => sum + process.total, 0), processes };
}

export function connectionBudget(plan: Pick<Plan, 'tiers' | 'topology' | 'target'>): ConnectionBudget {
  const allQueues = plan.tiers.flatMap((tier) => tier.queues);
  const queueTier: Record<string, string> = {};
  for (const tier of plan.tiers) for (const queue of tier.queues) queueTier[queue] = tier.name;
  const { topology } = plan;
  const none = new Set<string>();
  const steps: BudgetStep[] = [];

  const legacy = total(topology, allQueues, queueTier, { bullmq: none, draining: none, phase1Done: false, cleanedUp: false });
  steps.push({
    id: 'legacy',
    label: 'today: everything on Bull, cache and rate limiters on TCP',
    onBullmq: [],
    steady: legacy.total,
    peak: legacy.total,
    processes: legacy.processes,
  });
  const phase1 = total(topology, allQueues, queueTier, { bullmq: none, draining: none, phase1Done: true, cleanedUp: false });
  steps.push({
    id: 'phase1',
    label: 'after phase 1: cache and rate limiters on HTTP',
    onBullmq: [],
    steady: phase1.total,
    peak: phase1.total,
    processes: phase1.processes,
  });

  const flipped = new Set<string>();
  const tiersOn: string[] = [];
  for (const tier of plan.tiers) {
    for (const queue of tier.queues) flipped.add(queue);
    tiersOn.push(tier.name);
    const steady = total(topology, allQueues, queueTier, { bullmq: new Set(flipped), draining: none, phase1Done: true, cleanedUp: false });
    const peak = total(topology, allQueues, queueTier, { bullmq: new Set(flipped), draining: new Set(tier.queues), phase1Done: true, cleanedUp: false });
    steps.push({
      id: `phase2:${tier.name}`,
      label: `after tier ${tier.name} (${tier.queues.length} queues) on BullMQ`,
      onBullmq: [...tiersOn],
      steady: steady.total,
      peak: peak.total,
      processes: steady.processes,
    });
  }
  const everything = new Set(allQueues);
  const finalStep: Step = { bullmq: everything, draining: none, phase1Done: true, cleanedUp: true };
  const final = total(topology, allQueues, queueTier, finalStep);
  steps.push({
    id: 'final',
    label: 'after phase 3: legacy code and the flags SDK removed',
    onBullmq: [...tiersOn],
    steady: final.total,
    peak: final.total,
    processes: final.processes,
  });

  const target = plan.target.connections ?? null;
  const reaches = (value: number) => (target === null ? null : value <= target);
  const alternatives: BudgetAlternative[] = [];
  for (const merge of ['tier', 'all'] as const) {
    if (merge === topology.merge) continue;
    const value = total(topology, allQueues, queueTier, finalStep, merge).total;
    alternatives.push({
      label: merge === 'all' ? 'all queues merged into one BullMQ queue (jobs routed by job.name)' : 'one BullMQ queue per tier',
      final: value,
      reachesTarget: reaches(value),
    });
  }
  // Split: every existing process only produces (1 connection each), one dedicated process works every queue.
  const split: Topology = {
    merge: topology.merge,
    processes: [
      ...topology.processes.map((process) => ({ ...process, workers: 'none' as const, queueEvents: 'none' as const })),
      {
        ...topology.processes[0]!,
        name: 'workers',
        replicas: 1,
        workers: 'all' as const,
        queueEvents: 'none' as const,
        produces: 'none' as const,
        connections: { phase1: 0, other: 0, flagsSdk: 0, flagsSdkOnBullmq: false, queuesAdapter: false },
      },
    ],
  };
  const splitTotal = total(split, allQueues, queueTier, finalStep).total;
  alternatives.push({
    label: 'producer-only app processes (1 connection each) plus one worker process for every queue',
    final: splitTotal,
    reachesTarget: reaches(splitTotal),
  });

  const workerCount = uniqueUnits(allQueues, topology.merge, queueTier);
  const notes = [
    `A BullMQ Worker always opens its own blocking connection, even on a shared ioredis: ${workerCount} worked queue(s) need at least 1 + ${workerCount} = ${1 + workerCount} connections in each process that works them.`,
    '"1-3 connections" is only reachable with producer-only processes (1 each, on a shared connection) or merged queues (one queue: 2 per worker process; one per tier: 1 + tiers).',
  ];
  return { steps, target, final: final.total, reachable: reaches(final.total), alternatives, notes };
}

/** The budget step the migration is at, from the flag state (tiers effectively on BullMQ, phase 1 done or not). */
export function currentBudgetStep(budget: ConnectionBudget, state: { useHttpRedis: boolean; bullmqTiers: readonly string[] }): BudgetStep {
  const flipped = budget.steps.filter((step) => step.id.startsWith('phase2:') && state.bullmqTiers.includes(step.id.slice('phase2:'.length)));
  const last = flipped[flipped.length - 1];
  if (last) return last;
  return (state.useHttpRedis ? budget.steps[1] : budget.steps[0]) as BudgetStep;
}
