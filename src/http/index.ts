/**
 * An Upstash-compatible REST endpoint on top of any Redis, for local development and CI, where
 * there is no Upstash: `@upstash/redis` and `@upstash/ratelimit` work against it with their default
 * options. See server.ts for the routes and docs/http-bridge.md for what it refuses and its limits.
 */
import { InFlightBudget } from './budget.js';
import { CommandPolicy } from './command-policy.js';
import { Executor } from './executor.js';
import { RedisPool } from './redis-pool.js';
import { scriptGuard } from './script-guard.js';
import { ScriptTable } from './scripts.js';
import { HttpFrontend, type HttpStats, type RequestLogEntry } from './server.js';
import { SubscriptionHub } from './sse.js';

export type { RequestLogEntry };

export interface BridgeStats extends HttpStats {
  /** Subscribers dropped for leaving more than the backlog limit unread. */
  droppedSubscribers: number;
  /** Bytes the requests in flight hold now (bodies and answers), against `maxInFlightBytes`. */
  inFlightBytes: number;
}
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
  /** Largest request body (default 10 MB, Upstash's limit on its free and pay-as-you-go plans). */
  maxRequestBytes?: number;
  /** Most commands in one /pipeline or /multi-exec request (default 10,000). */
  maxPipelineCommands?: number;
  /** Bytes all requests in flight may hold, bodies and answers (default 32 MB); see budget.ts. */
  maxInFlightBytes?: number;
  /** Bytes a subscriber may leave unread before it is dropped (default 1 MB). */
  maxSseBacklogBytes?: number;
  /** Let FLUSHALL / FLUSHDB through (default false: they are refused as admin commands). */
  allowFlush?: boolean;
  keepAliveTimeoutMs?: number;
  /** Called after every answer; leave it out for speed. */
  onRequest?: (entry: RequestLogEntry) => void;
  /** Things the operator should know: a dropped subscriber, a Redis too old for the script guard. */
  onNotice?: (message: string) => void;
}

/** The limits `startBridge` applies when the options leave them out. */
export const DEFAULT_LIMITS = {
  maxRequestBytes: 10 * 1024 * 1024,
  maxPipelineCommands: 10_000,
  maxInFlightBytes: 32 * 1024 * 1024,
  maxSseBacklogBytes: 1024 * 1024,
} as const;

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
  const notice = options.onNotice ?? (() => undefined);
  const major = Number(pool.serverVersion?.split('.')[0]);
  if (major < 7) {
    notice(
      `Redis ${pool.serverVersion} is older than 7.0: scripts can change Lua's library functions there, so the guard that keeps EVAL from calling admin commands (FLUSHALL, MIGRATE...) can be bypassed; use Redis 7 or later`,
    );
  }
  const policy = new CommandPolicy({ allowFlush: options.allowFlush ?? false });
  const budget = new InFlightBudget(options.maxInFlightBytes ?? DEFAULT_LIMITS.maxInFlightBytes);
  const hub = new SubscriptionHub(() => pool.subscriber(), options.maxSseBacklogBytes ?? DEFAULT_LIMITS.maxSseBacklogBytes, notice);
  const frontend = new HttpFrontend({
    token: options.token,
    executor: new Executor(pool, new ScriptTable(scriptGuard(policy.scriptDenyList())), policy),
    hub,
    limits: {
      maxRequestBytes: options.maxRequestBytes ?? DEFAULT_LIMITS.maxRequestBytes,
      maxPipelineCommands: options.maxPipelineCommands ?? DEFAULT_LIMITS.maxPipelineCommands,
    },
    budget,
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
    stats: () => ({ ...frontend.stats, droppedSubscribers: hub.dropped, inFlightBytes: budget.usedBytes }),
    close(graceMs = 5000) {
      closing ??= frontend.close(graceMs).finally(() => pool.close());
      return closing;
    },
  };
}
