/** Reads how much unfinished work a side holds, and whether every live app instance has applied a version. */
import type { Redis } from 'ioredis';
import { readInstances } from '../../src/state/instances.js';
import type { StateKeys } from '../../src/state/keys.js';
import { backlogKeys, type QueueSystem } from './catalog.js';

/** Waiting + active + delayed (+ paused, prioritized, waiting-children) jobs of one queue, in one round trip. */
export async function backlogCount(client: Redis, system: QueueSystem, prefix: string, queue: string): Promise<number> {
  const pipeline = client.pipeline();
  for (const [kind, key] of backlogKeys(system, prefix, queue)) {
    if (kind === 'list') pipeline.llen(key);
    else pipeline.zcard(key);
  }
  const replies = (await pipeline.exec()) ?? [];
  let total = 0;
  for (const [error, value] of replies) {
    if (error) throw error;
    total += Number(value);
  }
  return total;
}

/**
 * True when every live instance of the store has applied `version` (or runs on a rebuilt store):
 * after that no producer adds to the side a queue has left, so an empty backlog stays empty.
 */
export async function allApplied(client: Redis, keys: StateKeys, version: number, epoch: string | null): Promise<boolean> {
  const { instances } = await readInstances(client, keys);
  return instances.filter((instance) => instance.live).every((instance) => instance.epoch !== epoch || instance.version >= version);
}
