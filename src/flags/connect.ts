/** Opens the flags SDK's two connections (commands, pub/sub) and starts the client. */
import { randomBytes } from 'node:crypto';
import { Cluster, Redis } from 'ioredis';
import type { RedisClient } from '../redis/client.js';
import { DEFAULT_REDIS_URL, endpointOptions, parseRedisUrl } from '../redis/url.js';
import { CONNECTION_NAME_PREFIX } from '../state/keys.js';
import { FlagsClient, type ConnectFlagsOptions } from './client.js';

function sdkConnectionOptions(name: string, timeoutMs: number) {
  return {
    connectionName: name,
    protocol: 2 as const,
    lazyConnect: true,
    connectTimeout: timeoutMs,
    // Keep trying for as long as the app lives; fail each command fast while the store is away.
    retryStrategy: (times: number) => Math.min(100 * times, 2000),
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
  };
}

/** The same behaviour on a Redis Cluster: keep trying, fail each command fast while the store is away. */
function clusterSdkOptions(name: string, timeoutMs: number) {
  const { connectionName, protocol, connectTimeout, maxRetriesPerRequest } = sdkConnectionOptions(name, timeoutMs);
  return {
    lazyConnect: true,
    enableOfflineQueue: false,
    clusterRetryStrategy: (times: number) => Math.min(100 * times, 2000),
    redisOptions: { connectionName, protocol, connectTimeout, maxRetriesPerRequest },
  };
}

function mergeRedisOptions<T extends { redisOptions: Record<string, unknown> }>(options: T, extra: Record<string, unknown>): T {
  return { ...options, redisOptions: { ...options.redisOptions, ...extra } };
}

/**
 * Connect to the flag store. Resolves once the store has been read, or after `connectTimeoutMs`
 * with the environment's values (`USE_BULLMQ`, `BULLMQ_TIERS`, `USE_HTTP_REDIS`) while it keeps trying.
 */
export async function connectFlags(options: ConnectFlagsOptions): Promise<FlagsClient> {
  const timeoutMs = options.connectTimeoutMs ?? 2000;
  const suffix = randomBytes(3).toString('hex');
  const name = `${CONNECTION_NAME_PREFIX.sdk}${options.app.replace(/\s+/g, '_')}:${suffix}`;
  let command: RedisClient;
  let subscriber: RedisClient;
  if (options.redis instanceof Cluster) {
    command = options.redis;
    subscriber = options.redis.duplicate([], clusterSdkOptions(`${name}:sub`, timeoutMs));
  } else if (options.redis) {
    command = options.redis;
    subscriber = options.redis.duplicate({ ...sdkConnectionOptions(`${name}:sub`, timeoutMs) });
  } else {
    const env = options.env ?? process.env;
    const endpoint = parseRedisUrl(options.redisUrl || env.REDIS_URL || DEFAULT_REDIS_URL);
    const base = endpointOptions(endpoint);
    if (options.cluster) {
      const seed = [{ host: endpoint.host, port: endpoint.port }];
      const credentials = { username: base.username, password: base.password, ...(endpoint.tls ? { tls: base.tls } : {}) };
      command = new Cluster(seed, mergeRedisOptions(clusterSdkOptions(name, timeoutMs), credentials));
      subscriber = new Cluster(seed, mergeRedisOptions(clusterSdkOptions(`${name}:sub`, timeoutMs), credentials));
    } else {
      command = new Redis({ ...base, ...sdkConnectionOptions(name, timeoutMs) });
      subscriber = new Redis({ ...base, ...sdkConnectionOptions(`${name}:sub`, timeoutMs) });
    }
  }
  const client = new FlagsClient(options, command, subscriber, !options.redis);
  await client.start(timeoutMs);
  return client;
}
