/**
 * The bridge's Redis connections, all named `redis-migrate:cli:http:<role>:<n>` (the observe code
 * counts `redis-migrate:cli:*` as this tool, never as the app):
 * - `pool:<n>`: a fixed set shared round-robin by plain commands and pipelines (Redis answers in
 *   order on each connection, so sharing is safe for commands without connection state);
 * - `tx:<n>`: opened on demand and leased to one /multi-exec at a time, so no other request's
 *   command can ever land between its MULTI and EXEC;
 * - `sub`: one subscriber for all server-sent-event streams.
 * RESP2 (`protocol: 2`) keeps reply shapes flat, as Upstash answers, whatever ioredis defaults to.
 */
import type { Redis } from 'ioredis';
import { UsageError } from '../errors.js';
import { isClusterNode, openRedis } from '../redis/connect.js';
import { CONNECTION_NAME_PREFIX } from '../state/keys.js';

export interface PoolOptions {
  url: string;
  /** Connections shared by plain commands. */
  size: number;
  /** Most transactions running at once; more wait for a free connection. */
  maxTransactions: number;
  /** Connect timeout, and the per-command timeout unless `commandTimeoutMs` says otherwise. */
  timeoutMs: number;
  /** 0: no per-command timer. */
  commandTimeoutMs?: number;
}

export const CONNECTION_NAME = `${CONNECTION_NAME_PREFIX.cli}http:`;

export class RedisPool {
  private cursor = 0;
  private readonly free: Redis[] = [];
  private readonly waiting: ((client: Redis) => void)[] = [];
  private transactions = 0;
  private opening = 0;
  private serial = 0;
  private subscriberPromise: Promise<Redis> | undefined;
  private readonly all = new Set<Redis>();
  private closed = false;

  private constructor(
    private readonly options: PoolOptions,
    private readonly shared: Redis[],
    /** `redis_version` from INFO, when the server tells. */
    readonly serverVersion: string | undefined,
  ) {
    for (const client of shared) this.all.add(client);
  }

  /** Opens the shared connections, or fails within the timeout with the usual one-line error. */
  static async open(options: PoolOptions): Promise<RedisPool> {
    const opened = await Promise.allSettled(Array.from({ length: options.size }, (_, i) => connect(options, `pool:${i + 1}`)));
    const clients = opened.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    const failure = opened.find((result) => result.status === 'rejected');
    if (failure) {
      for (const client of clients) client.disconnect();
      throw failure.reason;
    }
    // MULTI/EXEC on one connection, scripts and pipelines over any keys: all need one server.
    if (clients[0] && (await isClusterNode(clients[0]))) {
      for (const client of clients) client.disconnect();
      throw new UsageError('http.cluster', 'serve-http needs a single Redis server, and this one is a Redis Cluster node', {
        fix: 'point --redis-url at a standalone Redis (for development: redis-server --port 6379)',
      });
    }
    return new RedisPool(options, clients, await serverVersion(clients[0] as Redis));
  }

  private flushScheduled = false;

  /**
   * The shared connection for plain commands and pipelines. Everything asked for in one turn of
   * the event loop goes to the same connection with its socket corked, and is written in one
   * syscall when the turn ends; the next turn uses the next connection. Socket writes dominate the
   * bridge's CPU time otherwise (one write per command).
   */
  next(): Redis {
    const client = this.shared[this.cursor] as Redis;
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      const stream = socketOf(client);
      stream?.cork();
      setImmediate(() => {
        this.flushScheduled = false;
        this.cursor = (this.cursor + 1) % this.shared.length;
        stream?.uncork();
      });
    }
    return client;
  }

  /** Runs `send` with `client`'s socket corked, so the commands it sends leave in one write. */
  corked<T>(client: Redis, send: () => T): T {
    const stream = socketOf(client);
    stream?.cork();
    try {
      return send();
    } finally {
      stream?.uncork();
    }
  }

  /** A connection for this transaction only; give it back with `release`. */
  async lease(): Promise<Redis> {
    if (this.closed) throw new Error('the bridge is shutting down');
    const free = this.free.pop();
    if (free) return free;
    if (this.transactions + this.opening < this.options.maxTransactions) {
      this.opening++;
      try {
        const client = await connect(this.options, `tx:${++this.serial}`);
        this.transactions++;
        this.all.add(client);
        return client;
      } finally {
        this.opening--;
      }
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** `broken`: the transaction failed outside Redis (timeout, dropped link), so the connection may
   * still be inside MULTI: close it rather than hand it to the next transaction. */
  release(client: Redis, broken = false): void {
    if (broken || this.closed) {
      this.all.delete(client);
      this.transactions--;
      client.disconnect();
      const waiter = this.waiting.shift();
      if (waiter && !this.closed) void this.lease().then(waiter, () => this.waiting.unshift(waiter));
      return;
    }
    const waiter = this.waiting.shift();
    if (waiter) waiter(client);
    else this.free.push(client);
  }

  /** The one subscriber connection, opened on first use; ioredis re-subscribes after a reconnect. */
  subscriber(): Promise<Redis> {
    this.subscriberPromise ??= openRedis({
      url: this.options.url,
      name: `${CONNECTION_NAME}sub`,
      timeoutMs: this.options.timeoutMs,
      reconnect: true,
      cluster: false,
    }).then((client) => {
      this.all.add(client);
      return client;
    });
    return this.subscriberPromise;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.all].map((client) => client.quit().catch(() => client.disconnect())));
    this.all.clear();
  }
}

async function serverVersion(client: Redis): Promise<string | undefined> {
  try {
    return /^redis_version:(\S+)/m.exec(String(await client.info('server')))?.[1];
  } catch {
    return undefined;
  }
}

function socketOf(client: Redis): (NodeJS.WritableStream & { cork(): void; uncork(): void }) | undefined {
  return (client as unknown as { stream?: NodeJS.WritableStream & { cork(): void; uncork(): void } }).stream;
}

function connect(options: PoolOptions, role: string): Promise<Redis> {
  return openRedis({
    url: options.url,
    name: `${CONNECTION_NAME}${role}`,
    timeoutMs: options.timeoutMs,
    reconnect: true,
    failFast: true,
    cluster: false,
    // Integers beyond 2^53 (INCRBY, a Lua counter) keep their digits: encode.ts writes them as sent.
    stringNumbers: true,
    ...(options.commandTimeoutMs === undefined ? {} : { commandTimeoutMs: options.commandTimeoutMs }),
  });
}
