/**
 * An Upstash-compatible REST endpoint on top of any Redis, for local development and CI, where
 * there is no Upstash: `@upstash/redis` and `@upstash/ratelimit` work against it with their default
 * options. See server.ts for the routes and docs/http-bridge.md for what it refuses.
 */
import { Executor } from './executor.js';
import { RedisPool } from './redis-pool.js';
import { ScriptTable } from './scripts.js';
import { HttpFrontend, type BridgeStats, type RequestLogEntry } from './server.js';
import { SubscriptionHub } from './sse.js';

export type { BridgeStats, RequestLogEntry };
export { CONNECTION_NAME } from './redis-pool.js';

export interface BridgeOptions {
  redisUrl: string;
  /** The Bearer token clients must send. */
  token: string;
  /** Default 127.0.0.1: a development endpoint has no business on other interfaces. */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Shared Redis connections for plain commands and pipelines (default 4). */
  poolSize?: number;
  /** Most transactions at once, each on its own connection (default 8). */
  maxTransactions?: number;
  /** Redis connect timeout and per-command timeout (default 5000 ms). */
  timeoutMs?: number;
  /** Largest request body (default 10 MB, Upstash's own limit on the free plan). */
  maxBodyBytes?: number;
  keepAliveTimeoutMs?: number;
  /** Called after every answer; leave it out for speed. */
  onRequest?: (entry: RequestLogEntry) => void;
}

export interface Bridge {
  /** The UPSTASH_REDIS_REST_URL to give clients. */
  url: string;
  host: string;
  port: number;
  stats(): BridgeStats;
  /** Stops accepting, lets in-flight requests finish (up to `graceMs`), closes Redis connections. */
  close(graceMs?: number): Promise<void>;
}

export async function startBridge(options: BridgeOptions): Promise<Bridge> {
  const host = options.host ?? '127.0.0.1';
  const pool = await RedisPool.open({
    url: options.redisUrl,
    size: options.poolSize ?? 4,
    maxTransactions: options.maxTransactions ?? 8,
    timeoutMs: options.timeoutMs ?? 5000,
  });
  const hub = new SubscriptionHub(() => pool.subscriber());
  const frontend = new HttpFrontend({
    token: options.token,
    executor: new Executor(pool, new ScriptTable()),
    hub,
    maxBodyBytes: options.maxBodyBytes ?? 10 * 1024 * 1024,
    keepAliveTimeoutMs: options.keepAliveTimeoutMs ?? 30_000,
    ...(options.onRequest ? { onRequest: options.onRequest } : {}),
  });
  let port: number;
  try {
    port = await frontend.listen(options.port ?? 8079, host);
  } catch (error) {
    await pool.close();
    throw error;
  }
  const shownHost = host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${shownHost}:${port}`,
    host,
    port,
    stats: () => ({ ...frontend.stats }),
    close(graceMs = 5000) {
      closing ??= frontend.close(graceMs).finally(() => pool.close());
      return closing;
    },
  };
}
