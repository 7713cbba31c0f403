/**
 * What an app loads when it imports redis-migrate/redis (and /flags): none of the CLI's
 * dependencies, and @upstash/redis only once a call goes over HTTP.
 */
import { execa } from 'execa';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Bridge } from '../../src/http/index.js';
import { startTestBridge, TEST_TOKEN } from '../support/http.js';

const hook = fileURLToPath(new URL('../support/hooks/register-packages.mjs', import.meta.url));
const root = fileURLToPath(new URL('../..', import.meta.url));
const CLI_DEPENDENCIES = ['commander', '@inquirer/prompts', 'chalk', 'execa'];

let bridge: Bridge;
beforeAll(async () => {
  bridge = await startTestBridge(inject('redisUrl'));
});
afterAll(async () => {
  await bridge?.close();
});

/** Runs `code` as an app module in the package root (so `redis-migrate/...` resolves); returns the packages loaded before and after `mark()`. */
async function packagesLoaded(code: string): Promise<{ before: string[]; after: string[] }> {
  const run = await execa('node', ['--import', hook, '--input-type=module', '-e', `const mark = () => process.stderr.write('MARK\\n');\n${code}`], {
    cwd: root,
    reject: false,
    env: { REDIS_URL: inject('redisUrl'), UPSTASH_REDIS_REST_URL: bridge.url, UPSTASH_REDIS_REST_TOKEN: TEST_TOKEN, UPSTASH_DISABLE_TELEMETRY: '1' },
  });
  expect(run.exitCode, String(run.stderr)).toBe(0);
  const [before = '', after = ''] = String(run.stderr).split('MARK\n');
  const names = (text: string) => [...new Set([...text.matchAll(/package-loaded (\S+)/g)].map((match) => match[1] as string))];
  return { before: names(before), after: names(after) };
}

describe('app entry points stay light', () => {
  it('redis-migrate/redis loads no CLI dependency, and @upstash/redis only at the first call over HTTP', async () => {
    const { before, after } = await packagesLoaded(`
      const { migratingRedis } = await import('redis-migrate/redis');
      let http = false;
      const cache = migratingRedis({ flags: { useHttpRedis: () => http } });
      await cache.set('entry-points:k', 'v', { ex: 60 });
      if (await cache.get('entry-points:k') !== 'v') throw new Error('TCP round trip failed');
      mark();
      http = true;
      if (await cache.get('entry-points:k') !== 'v') throw new Error('HTTP round trip failed');
      await cache.close();
    `);
    expect(before).toContain('ioredis');
    expect(before).not.toContain('@upstash/redis');
    expect(after).toContain('@upstash/redis');
    for (const name of CLI_DEPENDENCIES) expect([...before, ...after]).not.toContain(name);
    expect([...before, ...after]).not.toContain('zod');
  });

  it('redis-migrate/flags loads no CLI dependency', async () => {
    const { before } = await packagesLoaded(`await import('redis-migrate/flags'); mark();`);
    expect(before).toContain('ioredis');
    for (const name of CLI_DEPENDENCIES) expect(before).not.toContain(name);
    // Nor the plan validator: the SDK's default tiers are plain data.
    expect(before).not.toContain('zod');
  });
});
