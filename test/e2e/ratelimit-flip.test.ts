/**
 * @upstash/ratelimit on redis-migrate/redis, 10 requests per 10 s, while `redis-migrate phase1`
 * moves it to HTTP and `rollback --phase 1` moves it back, a real FlagsClient following the store:
 * no window admits more than 10, and every admission is counted in Redis exactly once. The same
 * run with HTTP on another database shows what the test catches (and what the docs warn about).
 */
import { Ratelimit } from '@upstash/ratelimit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { migratingRedis, type MigratingRedis } from '../../src/adapters/redis/index.js';
import { connectFlags } from '../../src/flags/index.js';
import type { Bridge } from '../../src/http/index.js';
import { runCli, uniqueNamespace } from '../support/cli.js';
import { fastHttpChecks, startTestBridge, TEST_TOKEN } from '../support/http.js';
import { writePlan } from '../support/plan-files.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';
import { waitFor } from '../support/wait.js';

const url = inject('redisUrl');
const WINDOW_MS = 10_000;
const LIMIT = 10;
let bridge: Bridge;
let admin: Redis;

beforeAll(async () => {
  bridge = await startTestBridge(url);
  admin = new Redis(url);
});

afterAll(async () => {
  admin?.disconnect();
  await bridge?.close();
});

interface Attempt {
  window: number;
  success: boolean;
  transport: string;
}

/** Calls `limit()` every 100 ms until stopped, recording each answer and the transport it used. */
function drive(limiter: Ratelimit, client: MigratingRedis, identifier: string) {
  const attempts: Attempt[] = [];
  let stopped = false;
  const done = (async () => {
    while (!stopped) {
      const window = Math.floor(Date.now() / WINDOW_MS);
      const { success } = await limiter.limit(identifier);
      attempts.push({ window, success, transport: client.transport });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  return {
    attempts,
    count: (transport: string) => attempts.filter((attempt) => attempt.transport === transport).length,
    /** Whether the limiter has refused a call on this transport (it is saturated: a reset would show). */
    refused: (transport: string) => attempts.some((attempt) => attempt.transport === transport && !attempt.success),
    stop: async () => {
      stopped = true;
      await done;
    },
  };
}

function admittedByWindow(attempts: Attempt[]): Map<number, number> {
  const admitted = new Map<number, number>();
  for (const attempt of attempts) if (attempt.success) admitted.set(attempt.window, (admitted.get(attempt.window) ?? 0) + 1);
  return admitted;
}

/** The transports in the order calls used them, repeats collapsed. */
function sequence(attempts: Attempt[]): string[] {
  return attempts.map((attempt) => attempt.transport).filter((transport, i, all) => transport !== all[i - 1]);
}

describe('a rate limiter across phase 1 and its rollback', () => {
  it('admits at most 10 in any 10 s window and counts every admission once, over TCP, HTTP and TCP again', { timeout: 90_000 }, async () => {
    const namespace = uniqueNamespace('rlflip');
    const plan = writePlan({ namespace, tiers: [{ name: 'only', queues: ['q1'], soak: '1h' }], http: { ...fastHttpChecks(), rateLimiters: [] } });
    const cli = (args: string[]) =>
      runCli([...args, '--json', '--yes', '--config', plan, '--redis-url', url], {
        env: { UPSTASH_REDIS_REST_URL: bridge.url, UPSTASH_REDIS_REST_TOKEN: TEST_TOKEN, UPSTASH_DISABLE_TELEMETRY: '1' },
        timeoutMs: 60_000,
      });
    const flags = await connectFlags({ app: 'ratelimit-flip', redisUrl: url, namespace, connectTimeoutMs: 5000 });
    const client = migratingRedis({ flags, redisUrl: url, upstash: { url: bridge.url, token: TEST_TOKEN, enableTelemetry: false }, name: namespace });
    const prefix = `${namespace}:sms`;
    // No in-memory block cache and no fail-open timeout: every answer comes from Redis.
    const limiter = new Ratelimit({ redis: client, limiter: Ratelimit.slidingWindow(LIMIT, '10 s'), prefix, ephemeralCache: false, timeout: 0 });
    const identifier = '+15550100';
    const driver = drive(limiter, client, identifier);
    try {
      await waitFor(() => driver.refused('tcp'), { what: 'the limit reached over TCP', timeoutMs: 20_000 });
      const flip = await cli(['phase1', '--force', '--reason', 'ratelimit-flip test']);
      expect(flip.exitCode, flip.stderr).toBe(0);
      await waitFor(() => flags.useHttpRedis() && driver.count('http') >= 5 && driver.refused('http'), {
        what: 'calls over HTTP, some refused',
        timeoutMs: 20_000,
      });
      const back = await cli(['rollback', '--phase', '1']);
      expect(back.exitCode, back.stderr).toBe(0);
      const beforeRollback = driver.attempts.length;
      await waitFor(() => !flags.useHttpRedis() && driver.attempts.slice(beforeRollback).filter((a) => a.transport === 'tcp').length >= 5, {
        what: 'calls over TCP again',
        timeoutMs: 20_000,
      });
    } finally {
      await driver.stop();
      await client.close();
      await flags.close();
    }

    expect(sequence(driver.attempts)).toEqual(['tcp', 'http', 'tcp']);
    const admitted = admittedByWindow(driver.attempts);
    for (const [window, count] of admitted) {
      expect(count, `window ${window}`).toBeLessThanOrEqual(LIMIT);
      // Redis's own count for the window (its key lives 21 s): neither reset by a flip nor counted twice.
      expect(Number(await admin.get(`${prefix}:${identifier}:${window}`)), `window ${window}`).toBe(count);
    }
  });

  it('would not hold if HTTP reached another database: the HTTP side starts from zero', async () => {
    let elsewhere: RedisServer | undefined;
    let otherBridge: Bridge | undefined;
    try {
      elsewhere = await startRedis();
      otherBridge = await startTestBridge(elsewhere.url);
      let http = false;
      const client = migratingRedis({
        flags: { useHttpRedis: () => http },
        redisUrl: url,
        upstash: { url: otherBridge.url, token: TEST_TOKEN, enableTelemetry: false },
      });
      const limiter = new Ratelimit({
        redis: client,
        limiter: Ratelimit.slidingWindow(LIMIT, '10 s'),
        prefix: uniqueNamespace('rlsplit'),
        ephemeralCache: false,
      });
      // Keep the burst inside one window: start early enough in it.
      await waitFor(() => Date.now() % WINDOW_MS < WINDOW_MS - 3000, { what: 'room in the current window', timeoutMs: 5000 });
      const window = Math.floor(Date.now() / WINDOW_MS);
      let admitted = 0;
      for (const side of [false, true]) {
        http = side;
        for (let i = 0; i < 15; i++) if ((await limiter.limit('user')).success) admitted++;
      }
      await client.close();
      expect(Math.floor(Date.now() / WINDOW_MS)).toBe(window);
      expect(admitted).toBe(2 * LIMIT);
    } finally {
      await otherBridge?.close();
      await elsewhere?.stop();
    }
  });
});
