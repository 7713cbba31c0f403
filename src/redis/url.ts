/** Redis URL parsing and validation (pure). */
import { isIP } from 'node:net';
import { UsageError } from '../errors.js';
import { redact } from '../redact.js';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

export interface RedisEndpoint {
  host: string;
  port: number;
  tls: boolean;
  username: string | undefined;
  password: string | undefined;
  db: number;
  /** The URL with its password masked, safe for any output. */
  display: string;
}

export function parseRedisUrl(url: string): RedisEndpoint {
  const fix = 'use redis://[user:password@]host:port[/db] or rediss:// for TLS';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError('redis.url', `malformed Redis URL "${redact(url)}"`, { fix });
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new UsageError('redis.url', `unsupported URL scheme "${parsed.protocol}" in "${redact(url)}"`, { fix });
  }
  if (!parsed.hostname) throw new UsageError('redis.url', `no host in Redis URL "${redact(url)}"`, { fix });
  const port = parsed.port ? Number(parsed.port) : 6379;
  const dbText = parsed.pathname.replace(/^\//, '');
  const db = dbText === '' ? 0 : Number(dbText);
  if (!Number.isInteger(db) || db < 0) {
    throw new UsageError('redis.url', `bad database number "${dbText}" in "${redact(url)}"`, { fix });
  }
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  return {
    host,
    port,
    tls: parsed.protocol === 'rediss:',
    username: parsed.username ? decodeURIComponent(parsed.username) : undefined,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    db,
    display: `${parsed.protocol}//${parsed.username || parsed.password ? `${parsed.username}${parsed.password ? ':***' : ''}@` : ''}${parsed.host}${db ? `/${db}` : ''}`,
  };
}

export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

/** The ioredis options that say where and as whom to connect (TLS SNI only for host names, not IPs). */
export function endpointOptions(endpoint: RedisEndpoint) {
  return {
    host: endpoint.host,
    port: endpoint.port,
    username: endpoint.username,
    password: endpoint.password,
    db: endpoint.db,
    ...(endpoint.tls ? { tls: isIP(endpoint.host) ? {} : { servername: endpoint.host } } : {}),
  };
}
