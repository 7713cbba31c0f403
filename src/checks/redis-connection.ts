/** redis.reachable, redis.auth, redis.tls: how the connection went, from preflight's attempt. */
import { isLoopbackHost, parseRedisUrl, type RedisEndpoint } from '../redis/url.js';
import { fail, pass, skip, warn, type Verdict } from './support.js';
import type { Check, ConnectionAttempt } from './types.js';

/** Round trips slower than this make the flag store feel slow for rollback and the SDK. */
export const SLOW_RTT_MS = 100;

export function reachableRule(attempt: ConnectionAttempt | undefined, rttMs: number | null, timeoutMs: number): Verdict {
  if (!attempt) return skip('no connection attempt to report on');
  const error = attempt.error;
  if (error?.code === 'redis.auth') return pass(`Redis answered in ${attempt.ms} ms but rejected the credentials (see redis.auth)`, { connectMs: attempt.ms });
  if (error) return fail(error.message, error.fix ?? 'check --redis-url / REDIS_URL and that redis-server is running', { connectMs: attempt.ms, timeoutMs });
  if (rttMs === null) return pass(`connected in ${attempt.ms} ms`, { connectMs: attempt.ms });
  const data = { connectMs: attempt.ms, rttMs };
  if (rttMs > SLOW_RTT_MS)
    return warn(
      `reachable, but a round trip takes ${rttMs} ms`,
      'run redis-migrate close to Redis (same region); rollback and the SDK wait on round trips',
      data,
    );
  return pass(`reachable, round trip ${rttMs} ms (connected in ${attempt.ms} ms)`, data);
}

export function authRule(attempt: ConnectionAttempt | undefined, endpoint: RedisEndpoint): Verdict {
  if (!attempt) return skip('no connection attempt to report on');
  if (attempt.error?.code === 'redis.auth') {
    return fail(attempt.error.message, attempt.error.fix ?? 'check the password in --redis-url / REDIS_URL (redis://:PASSWORD@host:port)');
  }
  if (attempt.error) return skip('skipped: Redis is not reachable (see redis.reachable)');
  if (endpoint.password) return pass(`credentials accepted${endpoint.username ? ` for user "${endpoint.username}"` : ''}`);
  if (isLoopbackHost(endpoint.host)) return pass('no password needed (loopback)');
  return warn(`Redis at ${endpoint.host} accepts connections without a password`, 'set requirepass or an ACL user, and put the password in REDIS_URL');
}

export function tlsRule(attempt: ConnectionAttempt | undefined, endpoint: RedisEndpoint): Verdict {
  const tlsError = attempt?.error?.code === 'redis.tls' ? attempt.error : null;
  if (tlsError) return fail(tlsError.message, tlsError.fix ?? 'check the server certificate and the URL scheme');
  if (endpoint.tls) {
    return attempt?.error ? skip('skipped: Redis is not reachable (see redis.reachable)') : pass(`TLS to ${endpoint.host}`);
  }
  if (isLoopbackHost(endpoint.host)) return pass('plaintext on loopback');
  return warn(
    `plaintext connection to ${endpoint.host}: passwords and job data cross the network unencrypted`,
    'use rediss:// if the server offers TLS (hosted Redis usually does)',
  );
}

async function medianRtt(ctx: Parameters<Check['run']>[0]): Promise<number | null> {
  if (!ctx.redis) return null;
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    await ctx.redis.ping();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return Math.round((times[1] ?? 0) * 100) / 100;
}

export const reachableCheck: Check = {
  id: 'redis.reachable',
  title: 'Redis answers',
  phases: [1, 2, 3],
  async run(ctx) {
    return reachableRule(ctx.connection, await medianRtt(ctx), ctx.timeoutMs);
  },
};

export const authCheck: Check = {
  id: 'redis.auth',
  title: 'credentials accepted',
  phases: [1, 2, 3],
  async run(ctx) {
    return authRule(ctx.connection, parseRedisUrl(ctx.redisUrl));
  },
};

export const tlsCheck: Check = {
  id: 'redis.tls',
  title: 'transport encryption',
  phases: [1, 2, 3],
  async run(ctx) {
    return tlsRule(ctx.connection, parseRedisUrl(ctx.redisUrl));
  },
};
