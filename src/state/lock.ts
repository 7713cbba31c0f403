/**
 * The migration lock: one operator changes the migration at a time. It has a TTL and is renewed
 * while its holder runs, so a killed holder's lock expires by itself. Rollback never takes it.
 */
import { randomUUID } from 'node:crypto';
import { LockHeldError } from '../errors.js';
import { formatDuration } from '../plan/duration.js';
import { runScript, serverTimeMs, type RedisClient } from '../redis/client.js';
import type { StateKeys } from './keys.js';

export interface LockInfo {
  owner: string;
  command: string;
  host: string;
  pid: number;
  /** Server time the lock was taken, ms. */
  since: number;
  token: string;
}

export interface HeldLock {
  info: LockInfo;
  /** True once a renewal found the lock gone; the flip script refuses to write then. */
  readonly lost: boolean;
  release(): Promise<void>;
}

const RENEW = `
local held = redis.call('GET', KEYS[1])
if held and cjson.decode(held).token == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;

const RELEASE = `
local held = redis.call('GET', KEYS[1])
if held and cjson.decode(held).token == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

export async function readLock(client: RedisClient, keys: StateKeys): Promise<(LockInfo & { expiresInMs: number }) | null> {
  const [raw, ttl] = await Promise.all([client.get(keys.lock), client.pttl(keys.lock)]);
  if (!raw) return null;
  try {
    return { ...(JSON.parse(raw) as LockInfo), expiresInMs: Number(ttl) };
  } catch {
    return null;
  }
}

/** Who holds the lock and since when, as the error an operator sees (exit 5). */
async function lockHeldError(client: RedisClient, keys: StateKeys, ttlMs: number): Promise<LockHeldError> {
  const holder = await readLock(client, keys);
  const now = await serverTimeMs(client);
  const who = holder ? `${holder.owner} (${holder.command}, pid ${holder.pid} on ${holder.host})` : 'another operator';
  const since = holder ? `since ${new Date(holder.since).toISOString()} (${formatDuration(now - holder.since)} ago)` : '';
  return new LockHeldError(`the migration lock is held by ${who} ${since}`.trim(), {
    fix: `wait for them to finish; a holder that died releases it within ${formatDuration(holder?.expiresInMs ?? ttlMs)}`,
    details: holder
      ? { holder: { owner: holder.owner, command: holder.command, host: holder.host, pid: holder.pid, since: holder.since, expiresInMs: holder.expiresInMs } }
      : {},
  });
}

/**
 * Fails now (exit 5) if someone holds the lock, before a command spends time on slow work (phase1's
 * HTTP checks) that would end at the lock anyway. Taking the lock later can still fail: this is a hint.
 */
export async function assertLockFree(client: RedisClient, keys: StateKeys, ttlMs: number): Promise<void> {
  if ((await client.exists(keys.lock)) === 1) throw await lockHeldError(client, keys, ttlMs);
}

export async function acquireLock(
  client: RedisClient,
  keys: StateKeys,
  request: { owner: string; command: string; host: string; ttlMs: number },
): Promise<HeldLock> {
  const info: LockInfo = {
    owner: request.owner,
    command: request.command,
    host: request.host,
    pid: process.pid,
    since: await serverTimeMs(client),
    token: randomUUID(),
  };
  const taken = await client.set(keys.lock, JSON.stringify(info), 'PX', request.ttlMs, 'NX');
  if (taken !== 'OK') throw await lockHeldError(client, keys, request.ttlMs);

  let lost = false;
  const renew = setInterval(
    () => {
      runScript(client, RENEW, [keys.lock], [info.token, request.ttlMs])
        .then((ok) => {
          if (Number(ok) !== 1) lost = true;
        })
        .catch(() => {
          // A failed renewal is not fatal by itself: the flip script checks the token atomically.
        });
    },
    Math.max(100, Math.floor(request.ttlMs / 3)),
  );
  renew.unref();

  return {
    info,
    get lost() {
      return lost;
    },
    async release() {
      clearInterval(renew);
      await runScript(client, RELEASE, [keys.lock], [info.token]).catch(() => undefined);
    },
  };
}
