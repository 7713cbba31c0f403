/**
 * The app's cache, rate limiter and SMS rate limiter, written as an app writes them with
 * `redis-migrate/redis`: three clients (one TCP connection each while on TCP, as the legacy app
 * has them) that follow USE_HTTP_REDIS by themselves, the two limiters being @upstash/ratelimit.
 */
import { Ratelimit } from '@upstash/ratelimit';
import { migratingRedis, type HttpRedisFlag, type MigratingRedis } from '../../src/adapters/redis/index.js';
import type { HttpRedisConfig } from './config.js';

export const KV_STORES = ['cache', 'ratelimit', 'sms'] as const;
export type KvStoreName = (typeof KV_STORES)[number];

export interface Kv {
  cache: MigratingRedis;
  /** Per queue. The fleet records traffic, not decisions: a job goes on whatever the limiters answer. */
  limiter: Ratelimit;
  sms: Ratelimit;
  close(): Promise<void>;
}

export interface KvOptions {
  redisUrl: string;
  process: string;
  /** Key prefix of the fleet's namespace (`fleet:{<namespace>}:`). */
  keyPrefix: string;
  /** The REST endpoint; without one the clients stay on TCP and warn when the flag asks for HTTP. */
  http: HttpRedisConfig | undefined;
  flags: HttpRedisFlag;
  warn: (message: string) => void;
}

export function openKv(options: KvOptions): Kv {
  const upstash = options.http ? { ...options.http, enableTelemetry: false } : null;
  const [cache, ratelimit, sms] = KV_STORES.map((store) =>
    migratingRedis({ flags: options.flags, redisUrl: options.redisUrl, upstash, name: `fleet-${options.process}:${store}`, onWarning: options.warn }),
  ) as [MigratingRedis, MigratingRedis, MigratingRedis];
  return {
    cache,
    limiter: new Ratelimit({ redis: ratelimit, limiter: Ratelimit.slidingWindow(1000, '1 s'), prefix: `${options.keyPrefix}limit` }),
    sms: new Ratelimit({ redis: sms, limiter: Ratelimit.slidingWindow(100, '1 s'), prefix: `${options.keyPrefix}sms` }),
    close: async () => {
      await Promise.all([cache.close(), ratelimit.close(), sms.close()]);
    },
  };
}
