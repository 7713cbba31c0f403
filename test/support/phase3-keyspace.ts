/**
 * The phase 3 cleanup tests' world: its own redis-server, a two-tier plan, and the app's own keys
 * beside the legacy ones; the keyspace is flushed before each test. Two test files share it (they
 * run in parallel, each on its own server).
 */
import { rmSync } from 'node:fs';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import { stateKeys } from '../../src/state/keys.js';
import { runCli, type CliRun } from './cli.js';
import { backdateHistory } from './history.js';
import { tempDir, writePlan } from './plan-files.js';
import { startRedis, type RedisServer } from './redis-server.js';

// A keyspace like production at phase 3: Bull keys of migrated queues (sync, calendar-sync) and
// of a queue still on legacy (sync-v2, whose name starts with a migrated one's), BullMQ keys
// under `bullmq` for the SAME queue names, the migration state, and the app's own keys, some of
// them deliberately named like legacy keys.
export const NS = 'p3';
export const SOAK = '24h';
export const MIGRATED = ['sync', 'calendar-sync'];
export const APP_KEYS: [string, string][] = [
  ['bull:sync', 'string'],
  ['bull:sync:app-config', 'string'], // a legacy-looking name under a migrated queue, but not Bull's type
  ['bull:calendar-sync:notes', 'set'],
  ['bull:syncer:1', 'hash'],
  ['bullish:sync:1', 'string'],
  ['app:cache:user:1', 'string'],
  ['sync:1', 'string'],
];

export interface Phase3Keyspace {
  server: RedisServer;
  admin: Redis;
  dir: string;
  /** The plan file. */
  config: string;
  /** The CLI against this world's server and plan. */
  cli(args: string[], timeoutMs?: number): Promise<CliRun>;
  /** The app's own keys, some named like legacy ones. */
  plantAppKeys(): Promise<void>;
  flipFirstTier(): Promise<void>;
  /** The first tier on BullMQ, its soak passed: the recorded history moves back by the soak (test-only). */
  migrationReady(): Promise<void>;
}

/** Registers the hooks that start, flush and stop the world; its fields are set once `beforeAll` ran. */
export function usePhase3Keyspace(): Phase3Keyspace {
  const world = {
    cli: (args: string[], timeoutMs = 60_000) =>
      runCli([...args, '--config', world.config], { env: { REDIS_URL: world.server.url, REDIS_MIGRATE_ACTOR: 'tester' }, timeoutMs }),
    async plantAppKeys() {
      for (const [key, type] of APP_KEYS) {
        if (type === 'string') await world.admin.set(key, 'app value');
        if (type === 'set') await world.admin.sadd(key, 'a', 'b');
        if (type === 'hash') await world.admin.hset(key, 'f', 'v');
      }
    },
    async flipFirstTier() {
      const flip = await world.cli(['phase2', '--tier', 'first', '--yes', '--wait', '0', '--json']);
      expect(flip.exitCode).toBe(0);
    },
    async migrationReady() {
      await world.flipFirstTier();
      await backdateHistory(world.admin, stateKeys(NS), SOAK);
    },
  } as Phase3Keyspace;

  beforeAll(async () => {
    world.server = await startRedis();
    world.admin = world.server.client();
    world.dir = tempDir('phase3');
    world.config = writePlan(
      {
        namespace: NS,
        legacy: { prefix: 'bull' },
        bullmq: { prefix: 'bullmq' },
        lock: { ttl: '2s' },
        tiers: [
          { name: 'first', queues: MIGRATED, soak: SOAK },
          { name: 'later', queues: ['sync-v2'], soak: SOAK },
        ],
      },
      { dir: world.dir },
    );
  });

  afterAll(async () => {
    await world.server.stop();
    rmSync(world.dir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    await world.admin.flushall();
  });

  return world;
}
