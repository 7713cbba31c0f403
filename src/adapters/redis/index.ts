/**
 * `redis-migrate/redis`: the app's cache and rate limiters on one @upstash/redis-shaped client that
 * follows USE_HTTP_REDIS live, so phase 1 and its rollback need no redeploy.
 *
 * ```ts
 * const flags = await connectFlags({ app: 'api' });
 * const cache = migratingRedis({ flags, redisUrl, upstash: { url, token } });
 * const limiter = new Ratelimit({ redis: cache, limiter: Ratelimit.slidingWindow(10, '10 s') });
 * ```
 * See docs/app-integration.md ("Cache and rate limiters").
 */
import type { Redis, RedisOptions } from 'ioredis';
import { UsageError } from '../../errors.js';
import { DEFAULT_REDIS_URL } from '../../redis/url.js';
import { CONNECTION_NAME_PREFIX } from '../../state/keys.js';
import { MigratingRedis, type HttpRedisFlag } from './client.js';
import { HttpSide, type UpstashOptions } from './http-side.js';
import { TcpSide } from './tcp-side.js';

export { MigratingRedis, type HttpRedisFlag } from './client.js';
export { MigratingPipeline, type KeptResults } from './pipeline.js';
export { MigratingRedisError } from './errors.js';
export { InvalidArgument, SUPPORTED_COMMANDS, type SupportedCommand } from './commands.js';
export type { UpstashOptions } from './http-side.js';
export type { Side } from './router.js';

export interface MigratingRedisOptions {
  /** The flags to follow: a FlagsClient from `redis-migrate/flags` (or anything with `useHttpRedis()`). */
  flags: HttpRedisFlag;
  /** TCP side: the Redis URL. Default: REDIS_URL, then redis://127.0.0.1:6379. Ignored with `ioredis`. */
  redisUrl?: string;
  /**
   * TCP side: the app's own ioredis connection instead of one opened from `redisUrl`. It is used
   * as is and never closed, so it stays open while calls go over HTTP (phase 1 saves no connection).
   */
  ioredis?: Redis;
  /** Extra ioredis options for the connection opened from `redisUrl`. */
  redisOptions?: RedisOptions;
  /**
   * HTTP side: the REST endpoint (and any other @upstash/redis option; `automaticDeserialization`
   * is always off). Default: UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN. `null`: no HTTP
   * side yet; calls stay on TCP whatever the flag says, with one warning per flip.
   */
  upstash?: UpstashOptions | null;
  /** What this client is for (`cache`, `sms`...); names its TCP connection `redis-migrate:kv:<name>`. Default `cache`. */
  name?: string;
  /** Where the defaults are read from. Default: process.env. */
  env?: Record<string, string | undefined>;
  /** Told when the flag asks for HTTP and there is no endpoint. Default: process.emitWarning. */
  onWarning?: (message: string) => void;
  /**
   * How long calls made after a flip wait for calls still running on the old side (default 2000 ms).
   * Past it they go ahead: a call hung on a broken transport must not hold a rollback back.
   */
  switchWaitMs?: number;
  /** Each HTTP request fails after this long (default 5000 ms) unless `upstash.signal` is given. */
  httpTimeoutMs?: number;
}

const REST_URL = /^https?:\/\/[^\s#$./?].\S*$/;

function upstashOptions(options: MigratingRedisOptions, env: Record<string, string | undefined>): UpstashOptions | null {
  if (options.upstash === null) return null;
  const given = options.upstash ?? { url: env.UPSTASH_REDIS_REST_URL ?? '', token: env.UPSTASH_REDIS_REST_TOKEN ?? '' };
  const fix = 'pass upstash: { url, token }, set UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN, or pass upstash: null to stay on TCP';
  if (!given.url || !given.token)
    throw new UsageError('redis.http-endpoint', 'migratingRedis: no HTTP endpoint (REST URL and token) for USE_HTTP_REDIS', { fix });
  if (!REST_URL.test(given.url)) throw new UsageError('redis.http-endpoint', 'migratingRedis: the REST URL must start with http:// or https://', { fix });
  return given;
}

/**
 * An @upstash/redis-shaped client (the commands in SUPPORTED_COMMANDS, `pipeline()`, `multi()`)
 * whose every call goes to ioredis while `flags.useHttpRedis()` is off and to @upstash/redis when
 * it is on. Values come back as stored on both sides. Throws a UsageError for a bad URL or a
 * missing endpoint; opens nothing over HTTP until the flag asks for it.
 */
export function migratingRedis(options: MigratingRedisOptions): MigratingRedis {
  const env = options.env ?? process.env;
  const http = upstashOptions(options, env);
  const name = (options.name ?? 'cache').replace(/\s+/g, '_');
  const tcp = new TcpSide(
    options.ioredis
      ? { client: options.ioredis }
      : {
          url: options.redisUrl || env.REDIS_URL || DEFAULT_REDIS_URL,
          connectionName: `${CONNECTION_NAME_PREFIX.kv}${name}`,
          ...(options.redisOptions ? { redisOptions: options.redisOptions } : {}),
        },
  );
  const warn = options.onWarning ?? ((message: string) => process.emitWarning(message, 'MigratingRedisWarning'));
  return new MigratingRedis(options.flags, tcp, http ? new HttpSide(http, options.httpTimeoutMs ?? 5000) : null, name, warn, options.switchWaitMs ?? 2000);
}
