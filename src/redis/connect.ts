/**
 * Opens a named, ready ioredis connection for the CLI, or fails within the timeout with one clear
 * error. The CLI never sits in an ioredis reconnect loop: a command either reaches Redis or says why not.
 */
import { createConnection, isIP } from 'node:net';
import { Redis } from 'ioredis';
import { CliError, EnvironmentError, UsageError } from '../errors.js';
import { registerSecret } from '../redact.js';
import { parseRedisUrl, type RedisEndpoint } from './url.js';

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
    host: endpoint.host,
    port: endpoint.port,
    username: endpoint.username,
    password: endpoint.password,
    db: endpoint.db,
    ...(endpoint.tls ? { tls: isIP(endpoint.host) ? {} : { servername: endpoint.host } } : {}),
    connectionName: options.name,
    // ioredis waits this long for a socket that never opened to close; the CLI should exit at once.
    disconnectTimeout: 100,
    // RESP2 keeps reply shapes the same on every server version this tool supports (5.0+).
    protocol: 2 as const,
    lazyConnect: true,
    connectTimeout: options.timeoutMs,
    commandTimeout: options.queues ? undefined : options.timeoutMs,
    maxRetriesPerRequest: options.reconnect || options.queues ? null : 0,
    enableOfflineQueue: Boolean(options.reconnect || options.queues),
    retryStrategy: options.reconnect ? (times: number) => Math.min(times * 200, 2000) : () => null,
  };
}

export async function openRedis(options: OpenRedisOptions): Promise<Redis> {
  const endpoint = parseRedisUrl(options.url);
  registerSecret(endpoint.password);
  const client = new Redis(redisOptions(endpoint, options));
  let lastError: unknown;
  // Without a listener ioredis prints "Unhandled error event" to stderr, which breaks --json.
  client.on('error', (error: unknown) => {
    lastError = error;
  });

  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error('connect timed out'), { code: 'ETIMEDOUT' })), options.timeoutMs);
  });
  try {
    await Promise.race([client.connect(), timeout]);
    // ioredis reports a failed AUTH as an event, not a rejection; a PING surfaces it.
    await Promise.race([client.ping(), timeout]);
    return client;
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
  } finally {
    clearTimeout(timer);
  }
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
