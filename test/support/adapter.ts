/**
 * Helpers for tests of `redis-migrate/queues` against a real redis-server: a real flags client on
 * its own namespace, tier flips written to the store as the CLI writes them, and one cleanup.
 */
import { Redis } from 'ioredis';
import { migratingQueues, type MigratingQueues, type MigratingQueuesOptions } from '../../src/adapters/queues/index.js';
import { connectFlags, type FlagsClient } from '../../src/flags/index.js';
import { defaultPlan } from '../../src/plan/default-plan.js';
import { applyFlagChange } from '../../src/state/flag-store.js';
import { stateKeys } from '../../src/state/keys.js';
import { uniqueNamespace } from './cli.js';

const plan = defaultPlan();
export const TIER_QUEUES = Object.fromEntries(plan.tiers.map((tier) => [tier.name, tier.queues]));

export interface AdapterWorld {
  namespace: string;
  prefixes: { bull: string; bullmq: string };
  admin: Redis;
  /** A flags client of this world (closed by cleanup). */
  flags(env?: Record<string, string | undefined>): Promise<FlagsClient>;
  /** An adapter of this world on its prefixes (closed by cleanup). */
  queues(flags: FlagsClient, options?: Partial<MigratingQueuesOptions>): MigratingQueues;
  /** Move a tier's queues to a side, as phase2 / rollback --tier write it. Resolves with the new version. */
  flip(tier: string, side: 'bull' | 'bullmq'): Promise<number>;
  cleanup(): Promise<void>;
}

export function adapterWorld(redisUrl: string, label = 'q'): AdapterWorld {
  const namespace = uniqueNamespace(label);
  const prefixes = { bull: `${namespace}-bull`, bullmq: `${namespace}-bullmq` };
  const admin = new Redis(redisUrl, { protocol: 2 });
  const flagsClients: FlagsClient[] = [];
  const adapters: MigratingQueues[] = [];
  return {
    namespace,
    prefixes,
    admin,
    async flags(env = {}) {
      const client = await connectFlags({ app: `${label}-app`, redisUrl, namespace, env, heartbeatMs: 500 });
      flagsClients.push(client);
      return client;
    },
    queues(flags, options = {}) {
      const queues = migratingQueues({ flags, redisUrl, bull: { prefix: prefixes.bull }, bullmq: { prefix: prefixes.bullmq }, ...options });
      adapters.push(queues);
      return queues;
    },
    async flip(tier, side) {
      const changes: Record<string, string> = { useBullmq: 'true', [`tier:${tier}`]: side, [`tier:${tier}:queues`]: (TIER_QUEUES[tier] ?? []).join(',') };
      const result = await applyFlagChange(admin, stateKeys(namespace), {
        changes,
        actor: 'test',
        command: `test ${tier} ${side}`,
        kind: side === 'bullmq' ? 'flip' : 'rollback',
      });
      return result.version;
    },
    async cleanup() {
      await Promise.all(adapters.splice(0).map((queues) => queues.close({ force: true })));
      await Promise.all(flagsClients.splice(0).map((client) => client.close()));
      for (const prefix of [...Object.values(prefixes), `redis-migrate:{${namespace}}`]) {
        const keys = await admin.keys(`${prefix}:*`);
        if (keys.length) await admin.del(...keys);
      }
      await admin.quit();
    },
  };
}

/** A promise and the function that resolves it. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
