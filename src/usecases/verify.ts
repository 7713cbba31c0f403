/**
 * Verify a tier: every queue of the tier through real BullMQ on an isolated prefix (production
 * jobs untouched): success, retries with backoff, permanent failure, progress, with their events.
 * Keys are removed afterwards; `ok` is false when any queue fails.
 */
import type { LoadedPlan } from '../plan/load-plan.js';
import { countPrefixKeys, isolatedPrefix, removePrefixKeys } from '../synthetic/prefix.js';
import type { QueueVerification } from '../synthetic/verify-queue.js';
import type { Environment } from './environment.js';
import type { Report } from './report.js';

export interface QueueVerifyRequest {
  /** A tier of the plan. */
  tier: string;
  /** Backoff between retries of the retrying job, ms. */
  backoffMs: number;
  /** How long each queue may take, ms. */
  timeoutMs: number;
}

/** `verify --tier`: each queue of the tier exercised with synthetic jobs through BullMQ. */
export interface QueueVerifyReport extends Report {
  tier: string;
  /** The isolated prefix the synthetic jobs ran under. */
  prefix: string;
  backoffMs: number;
  durationMs: number;
  queues: QueueVerification[];
  cleanup: { keysRemoved: number; keysLeft: number };
}

export async function verifyTierQueues(env: Environment, loaded: LoadedPlan, options: QueueVerifyRequest): Promise<QueueVerifyReport> {
  const { plan } = loaded;
  const { tier } = options;
  const queues = plan.tiers.find((entry) => entry.name === tier)?.queues ?? [];
  const settings = { backoffMs: options.backoffMs, timeoutMs: options.timeoutMs };
  const prefix = isolatedPrefix('verify', plan.bullmq.prefix);
  const connection = await env.connect('verify', loaded, { queues: true });
  const started = Date.now();
  const { verifyQueue } = await import('../synthetic/verify-queue.js');
  env.log(`verifying ${queues.length} queue(s) of tier "${tier}" under the isolated prefix ${prefix}`);
  let results: QueueVerification[] = [];
  let keysRemoved = 0;
  try {
    results = await Promise.all(queues.map((queue) => verifyQueue(connection, prefix, queue, settings)));
  } finally {
    keysRemoved = await removePrefixKeys(connection, prefix);
  }
  const keysLeft = await countPrefixKeys(connection, prefix);
  const ok = results.every((result) => result.ok) && keysLeft === 0;
  return { ok, tier, prefix, backoffMs: settings.backoffMs, durationMs: Date.now() - started, queues: results, cleanup: { keysRemoved, keysLeft } };
}
