/** How much unfinished work a side holds for one of its queues, read in one round trip. */
import type { Redis } from 'ioredis';
import { backlogKeys } from './naming.js';
import type { Side } from './types.js';

/** Waiting + active + delayed (+ paused, prioritized, waiting-children) jobs of one queue on one side. */
export async function backlogCount(client: Redis, side: Side, prefix: string, queue: string): Promise<number> {
  const pipeline = client.pipeline();
  for (const [kind, key] of backlogKeys(side, prefix, queue)) {
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
