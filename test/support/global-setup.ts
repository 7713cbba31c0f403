/** One shared redis-server for tests that need no special configuration; they use unique namespaces. */
import type { TestProject } from 'vitest/node';
import { startRedis, type RedisServer } from './redis-server.js';

let server: RedisServer | undefined;

export async function setup(project: TestProject): Promise<void> {
  server = await startRedis();
  project.provide('redisUrl', server.url);
}

export async function teardown(): Promise<void> {
  await server?.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}
