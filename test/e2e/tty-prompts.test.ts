import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Redis } from 'ioredis';
import { stateKeys } from '../../src/state/keys.js';
import { uniqueNamespace } from '../support/cli.js';
import { tempDir } from '../support/plan-files.js';
import { runInTty } from '../support/tty.js';

let admin: Redis;
beforeAll(() => {
  admin = new Redis(inject('redisUrl'), { protocol: 2 });
});
afterAll(async () => {
  await admin.quit();
});

describe('on a terminal', () => {
  it('a state change asks first: "no" changes nothing and exits 130, "yes" flips', async () => {
    const ns = uniqueNamespace();
    const env = { REDIS_URL: inject('redisUrl') };
    const no = await runInTty(['phase2', '--tier', 'non-critical', '--namespace', ns], [{ when: /USE_BULLMQ=true\?/, send: 'n\r' }], { env });
    expect(no.unanswered).toBe(0);
    expect(no.exitCode).toBe(130);
    expect(no.output).toContain('not confirmed; nothing was changed');
    expect(await admin.exists(stateKeys(ns).state, stateKeys(ns).lock)).toBe(0);

    const yes = await runInTty(['rollback', '--namespace', ns], [], { env });
    expect(yes.exitCode).toBe(0);
    expect(yes.output).toContain('nothing to change');

    const flip = await runInTty(['phase2', '--tier', 'non-critical', '--namespace', ns], [{ when: /USE_BULLMQ=true\?/, send: 'y\r' }], { env });
    expect(flip.exitCode).toBe(0);
    expect(await admin.hget(stateKeys(ns).state, 'useBullmq')).toBe('true');
    // Three CLI processes on a pseudo-terminal; generous for a loaded CI machine.
  }, 120_000);

  it('init asks its questions and writes the answers', async () => {
    const dir = tempDir('init-tty');
    const run = await runInTty(
      ['init', '--output', 'plan.json'],
      [
        { when: /Namespace/, send: 'shop\r' },
        { when: /legacy \(Bull\) queues/, send: '\r' },
        { when: /BullMQ queues/, send: '\x7f\x7f\x7f\x7f\x7f\x7fbull\r' },
        { when: /must differ/, send: 'mq\r' },
        { when: /non-critical/, send: '\x7f\x7f\x7f90m\r' },
        { when: /"medium"/, send: '\r' },
        { when: /"critical"/, send: '\r' },
        { when: /Dotenv/, send: '.env\r' },
      ],
      { cwd: dir },
    );
    expect(run.unanswered).toBe(0);
    expect(run.exitCode).toBe(0);
    const plan = JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8'));
    expect(plan).toMatchObject({ namespace: 'shop', legacy: { prefix: 'bull' }, bullmq: { prefix: 'bullmq' }, sinks: { dotenv: { path: '.env' } } });
    expect(plan.tiers.map((t: { soak: string }) => t.soak)).toEqual(['90m', '24h', '26h']);
    expect(plan.$schema).toBe('./node_modules/redis-migrate/schemas/plan.schema.json');
  });
});
