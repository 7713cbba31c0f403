/**
 * `verify --tier T`: every queue of the tier through real BullMQ on an isolated prefix (production
 * jobs untouched): success, retries with backoff, permanent failure, progress, with their events.
 * Keys are removed afterwards. Exit 3 when any queue fails.
 */
import type { CommandContext } from '../cli/context.js';
import { parseWait } from '../cli/context.js';
import type { Outcome } from '../cli/output.js';
import type { Report } from './report.js';
import { EXIT } from '../errors.js';
import { countPrefixKeys, isolatedPrefix, removePrefixKeys } from '../synthetic/prefix.js';
import type { QueueVerification } from '../synthetic/verify-queue.js';
import { resolveTier, tierNames } from '../plan/tier-name.js';

export interface VerifyOptions {
  tier: string;
  backoff: string;
  deadline: string;
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

export async function run(ctx: CommandContext, options: VerifyOptions): Promise<Outcome<QueueVerifyReport>> {
  const loaded = await ctx.plan();
  const { plan } = loaded;
  const tier = resolveTier(tierNames(plan), options.tier);
  const queues = plan.tiers.find((entry) => entry.name === tier)?.queues ?? [];
  const settings = { backoffMs: parseWait(options.backoff), timeoutMs: parseWait(options.deadline) };
  const prefix = isolatedPrefix('verify', plan.bullmq.prefix);
  const connection = await ctx.connect('verify', loaded, { queues: true });
  const started = Date.now();
  const { verifyQueue } = await import('../synthetic/verify-queue.js');
  ctx.log(`verifying ${queues.length} queue(s) of tier "${tier}" under the isolated prefix ${prefix}`);
  let results: QueueVerification[] = [];
  let keysRemoved = 0;
  try {
    results = await Promise.all(queues.map((queue) => verifyQueue(connection, prefix, queue, settings)));
  } finally {
    keysRemoved = await removePrefixKeys(connection, prefix);
  }
  const keysLeft = await countPrefixKeys(connection, prefix);
  const ok = results.every((result) => result.ok) && keysLeft === 0;
  return {
    report: { ok, tier, prefix, backoffMs: settings.backoffMs, durationMs: Date.now() - started, queues: results, cleanup: { keysRemoved, keysLeft } },
    exitCode: ok ? EXIT.ok : EXIT.checkFailed,
  };
}
