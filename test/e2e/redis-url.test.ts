import { describe, expect, inject, it } from 'vitest';
import { runCli, uniqueNamespace } from '../support/cli.js';

const url = new URL(inject('redisUrl'));
const hostPort = `${url.hostname}:${url.port}`;

describe('the Redis URL', () => {
  it('a database the server does not have: exit 2 naming how many it has, nothing written to database 0', async () => {
    const ns = uniqueNamespace('db');
    const run = await runCli([
      'phase2',
      '--tier',
      'non-critical',
      '--yes',
      '--wait',
      '0',
      '--json',
      '--namespace',
      ns,
      '--redis-url',
      `redis://${hostPort}/99`,
    ]);
    expect(run.exitCode).toBe(2);
    expect(run.json().error).toMatchObject({
      code: 'redis.db',
      message: expect.stringContaining('has no database 99: it has 16 database(s), numbered 0 to 15'),
    });
    const status = await runCli(['status', '--json', '--namespace', ns, '--redis-url', `redis://${hostPort}/0`]);
    expect(status.result().version).toBe(0);
    // The last database is fine.
    expect((await runCli(['status', '--json', '--namespace', ns, '--redis-url', `redis://${hostPort}/15`])).exitCode).toBe(0);
  });

  it('a malformed URL with "/" or "@" in its password: no part of the password in any output', async () => {
    for (const bad of [`redis://user:Pa55/w0rd@${hostPort}`, `redis://:Pa55@w0rd/x@${hostPort}`, `redis://:Pa55#w0rd@${hostPort}`]) {
      for (const json of [true, false]) {
        const run = await runCli(['status', ...(json ? ['--json'] : []), '--redis-url', bad]);
        expect(run.exitCode).toBe(2);
        const output = run.stdout + run.stderr;
        expect(output).toContain('redis://***@');
        for (const part of ['Pa55', 'w0rd']) expect(output).not.toContain(part);
      }
    }
  });
});
