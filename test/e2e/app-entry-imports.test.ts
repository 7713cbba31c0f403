/**
 * The app-facing entry points load only what an app uses: importing `redis-migrate/queues` (as an
 * app does, by package name) loads no CLI dependency and neither Bull nor BullMQ; BullMQ comes when
 * a queue on BullMQ is used, Bull only when a queue on Bull is.
 */
import { execa } from 'execa';
import { fileURLToPath } from 'node:url';
import { describe, expect, inject, it } from 'vitest';
import { uniqueNamespace } from '../support/cli.js';

const hook = fileURLToPath(new URL('../support/hooks/register-packages.mjs', import.meta.url));
const root = fileURLToPath(new URL('../..', import.meta.url));
const CLI_DEPENDENCIES = ['commander', '@inquirer/prompts', 'chalk', 'execa'];

/** Runs an app script in a child process; returns the packages it loaded in each phase it marks. */
async function phases(script: string): Promise<Record<string, string[]>> {
  const run = await execa('node', ['--import', hook, '--input-type=module', '-e', script], {
    cwd: root,
    reject: false,
    env: { REDIS_URL: inject('redisUrl') },
  });
  expect(run.exitCode, String(run.stderr)).toBe(0);
  const out: Record<string, string[]> = {};
  let loaded: string[] = [];
  for (const line of String(run.stderr).split('\n')) {
    const pkg = /^package-loaded (\S+)/.exec(line)?.[1];
    if (pkg) loaded.push(pkg.replace(/^(@[^/]+\/[^/]+|[^/]+).*$/, '$1'));
    const phase = /^phase (\S+)/.exec(line)?.[1];
    if (phase) {
      out[phase] = [...new Set(loaded)];
      loaded = [];
    }
  }
  return out;
}

describe('app entry points', () => {
  it('redis-migrate/queues and /flags load no CLI dependency; BullMQ and Bull only when a queue on that side is used', { timeout: 30_000 }, async () => {
    const namespace = uniqueNamespace('entry');
    const loaded = await phases(`
      const { connectFlags } = await import('redis-migrate/flags');
      const { migratingQueues } = await import('redis-migrate/queues');
      process.stderr.write('phase imported\\n');
      const flags = await connectFlags({ app: 'entry', namespace: '${namespace}', env: { USE_BULLMQ: 'true', BULLMQ_TIERS: 'critical' } });
      const queues = migratingQueues({ flags, bull: { prefix: '${namespace}-bull' }, bullmq: { prefix: '${namespace}-bullmq' } });
      const critical = queues.get('calendar-sync');
      const done = new Promise((resolve) => critical.on('completed', resolve));
      await critical.process(async () => 'ok');
      await critical.add('sync', {});
      await done;
      process.stderr.write('phase bullmq\\n');
      await queues.get('webhook-health-check').add('check', {});
      process.stderr.write('phase bull\\n');
      await queues.close();
      await flags.close();
    `);
    for (const phase of ['imported', 'bullmq', 'bull']) {
      expect(
        loaded[phase]?.filter((pkg) => CLI_DEPENDENCIES.includes(pkg)),
        phase,
      ).toEqual([]);
    }
    expect(loaded.imported).toContain('ioredis');
    expect(loaded.imported).not.toContain('bullmq');
    expect(loaded.imported).not.toContain('bull');
    expect(loaded.bullmq).toContain('bullmq');
    expect(loaded.bullmq).not.toContain('bull');
    expect(loaded.bull).toContain('bull');
  });
});
