/**
 * Rollback and status never load Bull or BullMQ (speed at 3 a.m.), nor the scanner's parser; the
 * commands that need them do. `--help` and `--version` do not load the plan validator either.
 */
import { execa } from 'execa';
import { fileURLToPath } from 'node:url';
import { describe, expect, inject, it } from 'vitest';
import { BIN, uniqueNamespace } from '../support/cli.js';

const hook = fileURLToPath(new URL('../support/hooks/register.mjs', import.meta.url));
const packagesHook = fileURLToPath(new URL('../support/hooks/register-packages.mjs', import.meta.url));

async function loadedLibs(args: string[]): Promise<string[]> {
  const run = await execa('node', ['--import', hook, BIN, ...args, '--json', '--redis-url', inject('redisUrl'), '--namespace', uniqueNamespace('lazy')], {
    reject: false,
    env: { NO_COLOR: '1' },
  });
  return [...String(run.stderr).matchAll(/queue-lib-loaded (\S+)/g)].map((match) => match[1] as string);
}

describe('queue libraries are lazy-loaded', () => {
  it.each([[['rollback', '--yes']], [['status']], [['plan']]])('%j loads neither bull nor bullmq', async (args) => {
    expect(await loadedLibs(args)).toEqual([]);
  });

  it('verify does load bullmq', async () => {
    expect(await loadedLibs(['verify', '--tier', 'critical'])).toContain('bullmq');
  });

  it('scan loads the parser (and no queue library); preflight without code.paths does not', async () => {
    const fixtures = fileURLToPath(new URL('../fixtures/scan/nest/', import.meta.url));
    expect(await loadedLibs(['scan', fixtures])).toEqual(['@babel/parser']);
    expect(await loadedLibs(['preflight', '--phase', '3'])).toEqual([]);
  });

  it('--help and --version load no plan validator (zod): it comes with the first plan', async () => {
    const packages = async (args: string[]) =>
      String((await execa('node', ['--import', packagesHook, BIN, ...args], { reject: false, env: { NO_COLOR: '1' } })).stderr);
    expect(await packages(['--help'])).not.toContain('package-loaded zod');
    expect(await packages(['--version'])).not.toContain('package-loaded zod');
    expect(await packages(['plan', '--json', '--redis-url', inject('redisUrl')])).toContain('package-loaded zod');
  });
});
