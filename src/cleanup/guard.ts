/**
 * Checked before every deleted batch (at most every 2 s against Redis): the lock is still ours,
 * the state has not changed under us (an on-call rollback does not take the lock), and, unless
 * forced, no legacy worker or legacy job has come back. Any of these stops the cleanup at once.
 */
import { CliError, CheckFailedError, EXIT } from '../errors.js';
import type { Plan } from '../plan/schema.js';
import { serverTimeMs, type RedisClient } from '../redis/client.js';
import { readState } from '../state/flag-store.js';
import type { StateKeys } from '../state/keys.js';
import type { HeldLock } from '../state/lock.js';
import { FIELD } from '../state/model.js';
import { cleanupBlockers } from './blockers.js';
import { lostEligibility, tierEligibility } from './eligibility.js';
import { readBacklog, readLegacyWorkers } from './inspect.js';

export interface GuardInput {
  client: RedisClient;
  keys: StateKeys;
  plan: Plan;
  targets: readonly string[];
  forced: boolean;
  lock: HeldLock;
  /** State version the cleanup was decided on. */
  version: number;
  intervalMs?: number;
}

export function makeGuard(input: GuardInput): () => Promise<void> {
  let last = performance.now();
  let version = input.version;
  const interval = input.intervalMs ?? 2000;
  return async () => {
    if (input.lock.lost) {
      throw new CliError('lock.lost', 'the migration lock expired or was taken over during the cleanup; stopped', EXIT.lockHeld, {
        fix: 'check `redis-migrate status`, then run the cleanup again: it resumes',
      });
    }
    if (performance.now() - last < interval) return;
    last = performance.now();
    const current = Number((await input.client.hget(input.keys.state, FIELD.version)) ?? 0);
    if (current !== version) {
      const [{ state }, now] = await Promise.all([readState(input.client, input.keys), serverTimeMs(input.client)]);
      const lost = lostEligibility(input.targets, tierEligibility(input.plan, state, now));
      if (lost.length) {
        throw new CheckFailedError(
          'cleanup.state-changed',
          `the migration state changed during the cleanup (version ${version} → ${current}): ${lost.join(', ')} no longer on BullMQ and soaked; stopped`,
          {
            fix: 'see `redis-migrate status` and `redis-migrate audit`; run the cleanup again once the tiers are back on BullMQ and soaked',
            details: { lost },
          },
        );
      }
      version = current;
    }
    if (input.forced) return;
    const [backlog, workers] = await Promise.all([
      readBacklog(input.client, input.plan.legacy.prefix, input.targets),
      readLegacyWorkers(input.client, input.plan, input.targets),
    ]);
    const blockers = cleanupBlockers({
      legacyPrefix: input.plan.legacy.prefix,
      bullmqPrefix: input.plan.bullmq.prefix,
      backlog,
      workers,
      foreign: new Map(),
      killSwitchInstances: 0,
      useBullmqFlag: input.plan.flags.useBullmq,
    });
    if (blockers.length) {
      throw new CheckFailedError('cleanup.blocked', `stopped: ${blockers.map((blocker) => blocker.message).join('; ')}`, {
        fix: 'find out why legacy jobs or workers came back (a rollback? an app with USE_BULLMQ=false?), then run the cleanup again',
        details: { blockers: blockers.map(({ code, counts }) => ({ code, counts })) },
      });
    }
  };
}
