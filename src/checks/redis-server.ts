/** redis.version, redis.eviction-policy, redis.persistence: server settings BullMQ and the state depend on. */
import { compareVersions, serverFacts } from '../observe/info.js';
import { configGet, fail, nodeInfos, pass, warn, withRedis, type Verdict } from './support.js';
import type { Check } from './types.js';

/** BullMQ refuses servers below 5.0.0 and warns below 6.2.0 (redis-connection.js). */
export const MIN_VERSION = '5.0.0';
export const RECOMMENDED_VERSION = '6.2.0';

export function versionRule(versions: readonly string[]): Verdict {
  if (versions.length === 0) return warn('the server did not report its version', 'check that this is Redis (or a compatible server) 6.2 or newer');
  const oldest = [...versions].sort(compareVersions)[0] as string;
  const data = { version: oldest };
  if (compareVersions(oldest, MIN_VERSION) < 0)
    return fail(`Redis ${oldest}: BullMQ needs ${MIN_VERSION} or newer`, 'upgrade Redis to 6.2 or newer before phase 2', data);
  if (compareVersions(oldest, RECOMMENDED_VERSION) < 0)
    return warn(`Redis ${oldest}: BullMQ recommends ${RECOMMENDED_VERSION} or newer`, 'upgrade Redis to 6.2 or newer', data);
  return pass(`Redis ${oldest}`, data);
}

export function evictionRule(policies: readonly (string | null)[]): Verdict {
  const bad = policies.filter((policy) => policy !== 'noeviction');
  const policy = bad[0] ?? policies[0] ?? null;
  if (policy === null && bad.length) return warn('the server did not report its maxmemory-policy', 'make sure maxmemory-policy is noeviction');
  if (bad.length) {
    return fail(
      `maxmemory-policy is ${policy}: under memory pressure Redis evicts queue keys and BullMQ loses jobs`,
      'set maxmemory-policy noeviction (CONFIG SET maxmemory-policy noeviction, and in redis.conf or the provider console)',
      { policy },
    );
  }
  return pass('maxmemory-policy noeviction', { policy });
}

export function persistenceRule(input: { aof: boolean; save: string | null; rdbSaves: number | null }): Verdict {
  const data = { aof: input.aof, save: input.save };
  if (input.aof) return pass('AOF is on', data);
  if (input.save && input.save.trim() !== '') return pass(`RDB snapshots on (save ${input.save})`, data);
  const fix = 'turn on AOF (appendonly yes, appendfsync everysec) or RDB snapshots, or the flags and migration state vanish on a restart';
  if (input.save === null) return warn('AOF is off and the RDB save points could not be read (CONFIG is disabled)', fix, data);
  return warn('neither AOF nor RDB snapshots are on: a restart wipes the flags and the migration state', fix, data);
}

export const versionCheck: Check = {
  id: 'redis.version',
  title: 'server version',
  phases: [1, 2, 3],
  run: (ctx) =>
    withRedis(ctx, async (redis) => versionRule((await nodeInfos(redis)).map(({ info }) => serverFacts(info).version).filter((v): v is string => v !== null))),
};

export const evictionCheck: Check = {
  id: 'redis.eviction-policy',
  title: 'maxmemory-policy noeviction',
  phases: [2],
  run: (ctx) => withRedis(ctx, async (redis) => evictionRule((await nodeInfos(redis)).map(({ info }) => serverFacts(info).maxmemoryPolicy))),
};

export const persistenceCheck: Check = {
  id: 'redis.persistence',
  title: 'state survives a restart',
  phases: [1, 2, 3],
  run: (ctx) =>
    withRedis(ctx, async (redis) => {
      const facts = (await nodeInfos(redis)).map(({ info }) => serverFacts(info));
      return persistenceRule({ aof: facts.every((f) => f.aofEnabled), save: await configGet(redis, 'save'), rdbSaves: facts[0]?.rdbSaves ?? null });
    }),
};
