/**
 * What the facts file's connection model predicts for the demo fleet at a step (pure): per process,
 * Bull 3 per worked queue (1 per produced-only queue), BullMQ 1 shared + 1 blocking per Worker, the
 * 3 cache/limiter connections until phase 1 moves them to HTTP, and the flags SDK's subscriber
 * (its commands share the BullMQ connection, which the fleet opens at start).
 */
import type { DemoRole } from './connections.js';
import { emptyRoles } from './connections.js';

export const DEMO_TOPOLOGIES = ['single', 'merged', 'split'] as const;
/** single: one process does everything, one BullMQ queue per legacy queue; merged: one BullMQ queue for all; split: a producer-only API process plus a worker process (merged queues). */
export type DemoTopology = (typeof DEMO_TOPOLOGIES)[number];

export interface ModelStep {
  queues: readonly string[];
  onBullmq: ReadonlySet<string>;
  /** The cache and limiters really run over HTTP (phase 1 done and an endpoint available). */
  kvOnHttp: boolean;
  topology: DemoTopology;
}

export interface Prediction {
  total: number;
  byRole: Record<DemoRole, number>;
}

function workerProcess(step: ModelStep, merged: boolean, byRole: Record<DemoRole, number>): void {
  const legacy = step.queues.filter((queue) => !step.onBullmq.has(queue));
  const bullmq = step.queues.filter((queue) => step.onBullmq.has(queue));
  byRole.bull += 3 * legacy.length;
  byRole['bullmq-shared'] += 1;
  byRole['bullmq-blocking'] += merged ? (bullmq.length ? 1 : 0) : bullmq.length;
  byRole.kv += step.kvOnHttp ? 0 : 3;
  byRole['flags-sdk'] += 1;
}

export function predictConnections(step: ModelStep): Prediction {
  const byRole = emptyRoles();
  if (step.topology === 'split') {
    // The API process: Bull client per legacy queue it adds to, the shared connection, the SDK subscriber.
    byRole.bull += step.queues.filter((queue) => !step.onBullmq.has(queue)).length;
    byRole['bullmq-shared'] += 1;
    byRole['flags-sdk'] += 1;
    workerProcess(step, true, byRole);
  } else {
    workerProcess(step, step.topology === 'merged', byRole);
  }
  return { total: Object.values(byRole).reduce((sum, n) => sum + n, 0), byRole };
}
