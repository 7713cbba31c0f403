/**
 * Opens a named, ready ioredis connection for the CLI, or fails within the timeout with one clear
 * error. The CLI never sits in an ioredis reconnect loop: a command either reaches Redis or says why not.
 * On a Redis Cluster (INFO cluster_enabled:1) it returns an ioredis Cluster seeded from the same
 * node, so the hash-tagged state keys are routed to their slot.
 */
import { createConnection } from 'node:net';
import { Cluster, Redis } from 'ioredis';
import type { RedisClient } from './client.js';
import { CliError, EnvironmentError, UsageError } from '../errors.js';
import { registerSecret } from '../redact.js';
import { endpointOptions, parseRedisUrl, type RedisEndpoint } from './url.js';

export interface OpenRedisOptions {
  url: string;
  /** CLIENT SETNAME, so `connections` can tell this tool's connections apart. */
  name: string;
  timeoutMs: number;
  /** Keep reconnecting after the first connect (long-running commands such as monitor). */
  reconnect?: boolean;
  /**
   * A connection BullMQ Queues and Workers can share (verify, loadtest): no per-command timeout,
   * which Worker blocking connections would inherit through duplicate(), and
   * `maxRetriesPerRequest: null`, which BullMQ requires of Worker connections.
   */
  queues?: boolean;
  /** false: always a single-node connection (e.g. to read one node's CLIENT LIST). Default: detect. */
  cluster?: boolean;
  /**
   * With `reconnect`: while the link is down, reject commands at once instead of queueing and
   * replaying them (a server answering others, like serve-http, must not hang, nor replay an INCR).
   */
  failFast?: boolean;
  /** Per-command timeout; defaults to `timeoutMs`. `0` turns it off (no timer per command). */
  commandTimeoutMs?: number;
  /** Integer replies as decimal strings: exact beyond 2^53 (serve-http passes them on as written). */
  stringNumbers?: boolean;
}

export function isAuthError(message: string): boolean {
  return /WRONGPASS|NOAUTH|invalid password|invalid username-password|AUTH.*without any password/i.test(message);
}

function isTlsError(error: unknown): boolean {
  const text = `${(error as { code?: string }).code ?? ''} ${(error as Error).message ?? ''}`;
  return /SSL|TLS|ERR_SSL|wrong version number|EPROTO|certificate|CERT_|self.signed/i.test(text);
}

/** Turn what ioredis reports into an error an operator can act on. */
export function connectionError(endpoint: RedisEndpoint, error: unknown, timeoutMs: number): CliError {
  if (error instanceof CliError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: string }).code;
  const where = endpoint.display;
  if (isAuthError(message)) {
    return new UsageError('redis.auth', `Redis at ${where} rejected the credentials (${message.split(' ')[0]})`, {
      fix: 'check the password in --redis-url / REDIS_URL (redis://:PASSWORD@host:port)',
    });
  }
  if (isTlsError(error)) {
    return new UsageError('redis.tls', `TLS handshake with ${where} failed: ${message}`, {
      fix: endpoint.tls ? 'the server may not speak TLS on this port: use redis:// instead of rediss://' : 'the server expects TLS: use rediss://',
    });
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new EnvironmentError('redis.unreachable', `cannot resolve Redis host "${endpoint.host}"`, {
      fix: 'check the host in --redis-url / REDIS_URL',
    });
  }
  if (code === 'ECONNREFUSED') {
    return new EnvironmentError('redis.unreachable', `cannot reach Redis at ${where}: connection refused`, {
      fix: 'check --redis-url / REDIS_URL and that redis-server is running',
    });
  }
  if (code === 'ETIMEDOUT' || /timed? ?out/i.test(message)) {
    return new EnvironmentError('redis.timeout', `no answer from Redis at ${where} within ${timeoutMs} ms`, {
      fix: 'check the host and port, firewalls, and that this is a Redis server (raise --timeout for slow links)',
    });
  }
  return new EnvironmentError('redis.unreachable', `cannot use Redis at ${where}: ${message}`, {
    fix: 'check --redis-url / REDIS_URL and that redis-server is running',
  });
}

export function redisOptions(endpoint: RedisEndpoint, options: OpenRedisOptions) {
  return {
    ...endpointOptions(endpoint),
    connectionName: options.name,
    // ioredis waits this long for a socket that never opened to close; the CLI should exit at once.
    disconnectTimeout: 100,
    // RESP2 keeps reply shapes the same on every server version this tool supports (5.0+).
    protocol: 2 as const,
    lazyConnect: true,
    connectTimeout: options.timeoutMs,
    commandTimeout: options.queues || options.commandTimeoutMs === 0 ? undefined : (options.commandTimeoutMs ?? options.timeoutMs),
    maxRetriesPerRequest: options.queues || (options.reconnect && !options.failFast) ? null : 0,
    enableOfflineQueue: Boolean(options.queues) || (Boolean(options.reconnect) && !options.failFast),
    retryStrategy: options.reconnect ? (times: number) => Math.min(times * 200, 2000) : () => null,
    ...(options.stringNumbers ? { stringNumbers: true } : {}),
  };
}

async function withTimeout<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error('connect timed out'), { code: 'ETIMEDOUT' })), timeoutMs);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * ioredis SELECTs the URL's database on connect and only emits an error event when the server has
 * no such database, then carries on in database 0: ask again, and keep the answer.
 */
async function selectDatabase(client: Redis, db: number): Promise<Error | null> {
  if (db === 0) return null;
  return client.select(db).then(
    () => null,
    (error: Error) => error,
  );
}

/** `CONFIG GET databases`, or null where CONFIG is refused (managed services often rename it). */
async function databaseCount(client: Redis): Promise<number | null> {
  const reply = (await client.config('GET', 'databases').catch(() => [])) as string[];
  const count = Number(reply[1]);
  return Number.isInteger(count) && count > 0 ? count : null;
}

function databaseError(endpoint: RedisEndpoint, cluster: boolean, count: number | null): UsageError {
  const where = endpoint.display.replace(/\/\d+$/, '');
  if (cluster) {
    return new UsageError('redis.db', `Redis at ${where} is a Redis Cluster, which has only database 0, not ${endpoint.db}`, {
      fix: 'leave the database number out of the URL (or use /0)',
    });
  }
  const has =
    count === null ? 'fewer databases (CONFIG GET databases is not allowed, so how many is unknown)' : `${count} database(s), numbered 0 to ${count - 1}`;
  return new UsageError('redis.db', `Redis at ${where} has no database ${endpoint.db}: it has ${has}`, {
    fix: 'use a database number the server has in --redis-url / REDIS_URL (redis://host:port/DB), or raise `databases` in redis.conf',
  });
}

/** Whether the server is a Redis Cluster node. A server that refuses INFO is taken as a single server. */
export async function isClusterNode(client: Redis): Promise<boolean> {
  try {
    return /^cluster_enabled:1\s*$/m.test(String(await client.info('cluster')));
  } catch {
    return false;
  }
}

export function clusterOptions(endpoint: RedisEndpoint, options: OpenRedisOptions) {
  const node = redisOptions(endpoint, options);
  return {
    lazyConnect: true,
    enableOfflineQueue: Boolean(options.reconnect || options.queues),
    clusterRetryStrategy: options.reconnect ? (times: number) => Math.min(times * 200, 2000) : () => null,
    slotsRefreshTimeout: options.timeoutMs,
    redisOptions: {
      username: node.username,
      password: node.password,
      ...(node.tls ? { tls: node.tls } : {}),
      connectionName: node.connectionName,
      protocol: node.protocol,
      connectTimeout: node.connectTimeout,
      commandTimeout: node.commandTimeout,
      maxRetriesPerRequest: node.maxRetriesPerRequest,
    },
  };
}

async function openCluster(endpoint: RedisEndpoint, options: OpenRedisOptions): Promise<Cluster> {
  const cluster = new Cluster([{ host: endpoint.host, port: endpoint.port }], clusterOptions(endpoint, options));
  let lastError: unknown;
  cluster.on('error', (error: unknown) => {
    lastError = error;
  });
  try {
    await withTimeout(cluster.connect(), options.timeoutMs);
    await withTimeout(cluster.ping(), options.timeoutMs);
    return cluster;
  } catch (error) {
    cluster.disconnect();
    throw connectionError(endpoint, lastError ?? error, options.timeoutMs);
  }
}

export function openRedis(options: OpenRedisOptions & { cluster: false }): Promise<Redis>;
export function openRedis(options: OpenRedisOptions): Promise<RedisClient>;
export async function openRedis(options: OpenRedisOptions): Promise<RedisClient> {
  const endpoint = parseRedisUrl(options.url);
  registerSecret(endpoint.password);
  const client = new Redis(redisOptions(endpoint, options));
  let lastError: unknown;
  // Without a listener ioredis prints "Unhandled error event" to stderr, which breaks --json.
  client.on('error', (error: unknown) => {
    lastError = error;
  });

  let cluster = false;
  let selectFailure: Error | null = null;
  try {
    await withTimeout(client.connect(), options.timeoutMs);
    // ioredis reports a failed AUTH as an event, not a rejection; a PING surfaces it. The cluster
    // question and the database check ride in the same round trip.
    [, cluster, selectFailure] = await withTimeout(
      Promise.all([client.ping(), options.cluster === false ? false : isClusterNode(client), selectDatabase(client, endpoint.db)]),
      options.timeoutMs,
    );
  } catch (error) {
    client.disconnect();
    // The error event usually says more (ECONNREFUSED, WRONGPASS) than the rejection does.
    const failure = connectionError(endpoint, lastError ?? error, options.timeoutMs);
    // A plain Redis port waits for more bytes of a TLS hello instead of failing it: ask it in plain text.
    if (endpoint.tls && failure.code === 'redis.timeout' && (await speaksPlainRedis(endpoint.host, endpoint.port, 1000))) {
      throw new UsageError('redis.tls', `${endpoint.display} answers plain Redis, not TLS`, {
        fix: 'use redis:// instead of rediss:// for this server',
      });
    }
    throw failure;
  }
  if (selectFailure) {
    const count = cluster ? 1 : await withTimeout(databaseCount(client), options.timeoutMs).catch(() => null);
    client.disconnect();
    throw databaseError(endpoint, cluster, count);
  }
  if (!cluster) return client;
  client.disconnect();
  return openCluster(endpoint, options);
}

/** A second connection like `client` (same node or cluster, same credentials) under another name; not yet connected. */
export function duplicateConnection(client: RedisClient, name: string): RedisClient {
  if (client instanceof Cluster) return client.duplicate([], { lazyConnect: true, redisOptions: { connectionName: name } });
  return client.duplicate({ connectionName: name, lazyConnect: true });
}

/** Does host:port answer a plain-text PING like a Redis server (+PONG, or -NOAUTH/-ERR)? */
export function speaksPlainRedis(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(/^[+-]/.test(data.toString('latin1'))));
    socket.once('error', () => done(false));
  });
}
