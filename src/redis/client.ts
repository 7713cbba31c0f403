/** The Redis client types this project accepts, and script execution with EVALSHA caching. */
import { createHash } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';

export type RedisClient = Redis | Cluster;

const shaOf = new Map<string, string>();

function sha1(text: string): string {
  let sha = shaOf.get(text);
  if (!sha) {
    sha = createHash('sha1').update(text).digest('hex');
    shaOf.set(text, sha);
  }
  return sha;
}

/** EVALSHA first (one small request), EVAL only when the server has not seen the script yet. */
export async function runScript(client: RedisClient, script: string, keys: string[], args: (string | number)[]): Promise<unknown> {
  try {
    return await client.evalsha(sha1(script), keys.length, ...keys, ...args);
  } catch (error) {
    if (!String((error as Error).message).startsWith('NOSCRIPT')) throw error;
    return client.eval(script, keys.length, ...keys, ...args);
  }
}

/** Server time in ms: every clock this tool compares comes from Redis, not from the hosts. */
export async function serverTimeMs(client: RedisClient): Promise<number> {
  const [seconds, micros] = (await client.time()) as [string | number, string | number];
  return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
}

export function flatToObject(flat: unknown[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[String(flat[i])] = String(flat[i + 1]);
  return out;
}
