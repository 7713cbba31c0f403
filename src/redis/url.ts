/** Redis URL parsing and validation (pure). */
import { isIP } from 'node:net';
import { UsageError } from '../errors.js';
import { redactUrl } from '../redact.js';

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
  // No example credentials in the hint: output redaction would mask them.
  const fix = 'use a URL like redis://host:6379/0 (rediss:// for TLS), credentials as USER:PASSWORD@ before the host';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError('redis.url', `malformed Redis URL "${redactUrl(url)}"`, {
      fix: `${fix}; encode "/", "@", "#" and "?" in a password as %2F, %40, %23 and %3F`,
    });
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new UsageError('redis.url', `unsupported URL scheme "${parsed.protocol}" in "${redactUrl(url)}"`, { fix });
  }
  if (!parsed.hostname) throw new UsageError('redis.url', `no host in Redis URL "${redactUrl(url)}"`, { fix });
  const port = parsed.port ? Number(parsed.port) : 6379;
  const dbText = parsed.pathname.replace(/^\//, '');
  const db = dbText === '' ? 0 : Number(dbText);
  if (!Number.isInteger(db) || db < 0) {
    // A path with an "@" is a password with a "/" in it, cut in two by the parser: never echoed.
    const shown = dbText.includes('@') ? '' : ` "${dbText}"`;
    throw new UsageError('redis.url', `bad database number${shown} in "${redactUrl(url)}"`, { fix: `${fix}; encode "/" and "@" in a password as %2F and %40` });
  }
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  return {
    host,
    port,
    tls: parsed.protocol === 'rediss:',
    username: parsed.username ? decodeURIComponent(parsed.username) : undefined,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    db,
    // The whole user-info is masked, the user name too: one rule for every URL this tool prints.
    display: `${parsed.protocol}//${parsed.username || parsed.password ? '***@' : ''}${parsed.host}${db ? `/${db}` : ''}`,
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
