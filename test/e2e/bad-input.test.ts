import { readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Redis } from 'ioredis';
import { stateKeys } from '../../src/state/keys.js';
import { runCli, uniqueNamespace } from '../support/cli.js';
import { writePlan } from '../support/plan-files.js';
import { freePort, startRedis, type RedisServer } from '../support/redis-server.js';

const PASSWORD = 'Sup3r-s3cret-pw';
let secured: RedisServer;
let blackhole: Server;
let blackholePort: number;
const sockets: Socket[] = [];

beforeAll(async () => {
  secured = await startRedis({ password: PASSWORD });
  // Accepts connections and never answers: the "firewall ate it" case.
  blackhole = createServer((socket) => sockets.push(socket));
  blackholePort = await freePort();
  await new Promise<void>((resolve) => blackhole.listen(blackholePort, '127.0.0.1', resolve));
});
afterAll(async () => {
  await secured.stop();
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => blackhole.close(resolve));
});

describe('bad input and faults: one clear line, the right exit code, no hang', () => {
  it('nothing listening: exit 1 quickly, with the fix', async () => {
    const port = await freePort();
    const run = await runCli(['status', '--redis-url', `redis://127.0.0.1:${port}`]);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/^error cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+: connection refused\nfix: /);
    expect(run.stderr.split('\n').filter(Boolean)).toHaveLength(2);
    expect(run.durationMs).toBeLessThan(5000);
  });

  it('a server that never answers: exit 1 within the --timeout, JSON error document', async () => {
    const run = await runCli(['rollback', '--yes', '--json', '--timeout', '1s', '--redis-url', `redis://127.0.0.1:${blackholePort}`]);
    expect(run.exitCode).toBe(1);
    expect(run.json()).toEqual({
      ok: false,
      command: 'rollback',
      schemaVersion: 1,
      error: { code: 'redis.timeout', message: expect.stringContaining('within 1000 ms'), fix: expect.any(String), details: {} },
    });
    expect(run.durationMs).toBeLessThan(4000);
  });

  it('wrong password: exit 2, and the password never appears', async () => {
    const url = `redis://:wrong-${PASSWORD}@127.0.0.1:${secured.port}`;
    const run = await runCli(['status', '--json', '--redis-url', url]);
    expect(run.exitCode).toBe(2);
    expect(run.json().error.code).toBe('redis.auth');
    expect(run.stdout + run.stderr).not.toContain(PASSWORD);
    const none = await runCli(['status', '--json', '--redis-url', `redis://127.0.0.1:${secured.port}`]);
    expect(none.exitCode).toBe(2);
    expect(none.json().error.code).toBe('redis.auth');
  });

  it('TLS to a plain port: exit 2 naming the mismatch', async () => {
    const run = await runCli(['status', '--json', '--timeout', '3s', '--redis-url', `rediss://127.0.0.1:${secured.port}`]);
    expect(run.exitCode).toBe(2);
    expect(run.json().error.code).toBe('redis.tls');
    expect(run.json().error.fix).toContain('redis://');
  });

  it('malformed URL: exit 2', async () => {
    const run = await runCli(['status', '--json', '--redis-url', 'localhost:6379']);
    expect(run.exitCode).toBe(2);
    expect(run.json().error.code).toBe('redis.url');
  });

  it('malformed and invalid plan files: exit 2 with every problem and its path', async () => {
    const syntax = await runCli(['status', '--json', '--config', writePlan('{"tiers": [}')]);
    expect(syntax.exitCode).toBe(2);
    expect(syntax.json().error.code).toBe('config.parse');
    const invalid = await runCli([
      'plan',
      '--json',
      '--config',
      writePlan({
        tiers: [
          { name: 'a', queues: ['q'], soak: '24h' },
          { name: 'b', queues: [], soak: 'tomorrow' },
        ],
      }),
    ]);
    expect(invalid.exitCode).toBe(2);
    expect(invalid.json().error.message).toContain(
      '2 problems: tiers[1].queues: expected at least 1 item(s), got 0; tiers[1].soak: expected a duration like "24h", got "tomorrow"',
    );
    const missing = await runCli(['plan', '--config', '/nonexistent/plan.json']);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain('cannot read plan file /nonexistent/plan.json: ENOENT');
  });

  it('unknown command or option: exit 2 with a pointer to --help', async () => {
    const command = await runCli(['rolback']);
    expect(command.exitCode).toBe(2);
    expect(command.stderr).toContain("unknown command 'rolback'");
    const option = await runCli(['status', '--json', '--colour']);
    expect(option.exitCode).toBe(2);
    expect(option.json()).toMatchObject({ command: 'status', error: { code: 'usage.unknownOption', fix: 'see `redis-migrate status --help`' } });
    const missing = await runCli(['phase2', '--json']);
    expect(missing.exitCode).toBe(2);
    expect(missing.json()).toMatchObject({ command: 'phase2', error: { message: expect.stringContaining("required option '--tier <name>' not specified") } });
    // A group without its subcommand, and a word that names no command: one line each, the envelope all the same.
    const group = await runCli(['phase3', '--json']);
    expect(group.exitCode).toBe(2);
    expect(group.json()).toMatchObject({
      command: 'phase3',
      error: { code: 'usage.missingCommand', message: '`phase3` needs a command', fix: 'see `redis-migrate phase3 --help`' },
    });
    const unknown = await runCli(['rolback', '--json']);
    expect(unknown.json()).toMatchObject({ ok: false, command: null, error: { code: 'usage.unknownCommand' } });
  });

  it('--help and --version exit 0', async () => {
    expect((await runCli(['--help'])).exitCode).toBe(0);
    expect((await runCli(['rollback', '--help'])).stdout).toContain('--wait');
    expect((await runCli(['--version'])).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

describe('secrets never print', () => {
  it('the Redis password is absent from output, errors and the audit trail', async () => {
    const ns = uniqueNamespace();
    const url = `redis://:${PASSWORD}@127.0.0.1:${secured.port}`;
    const outputs: string[] = [];
    for (const args of [
      ['phase2', '--tier', 'non-critical', '--yes', '--reason', `moved with ${url}`],
      ['status'],
      ['plan'],
      ['rollback', '--yes'],
      ['audit'],
    ]) {
      for (const json of [true, false]) {
        const run = await runCli([...args, ...(json ? ['--json'] : []), '--namespace', ns, '--redis-url', url]);
        expect(run.exitCode).toBe(0);
        outputs.push(run.stdout, run.stderr);
      }
    }
    expect(outputs.join('\n')).not.toContain(PASSWORD);
    expect(outputs.join('\n')).toContain('redis://***@127.0.0.1');
    const direct = new Redis({ port: secured.port, password: PASSWORD });
    const raw = JSON.stringify(await direct.xrange(stateKeys(ns).audit, '-', '+'));
    await direct.quit();
    expect(raw).toContain('moved with redis://***@');
    expect(raw).not.toContain(PASSWORD);
  });
});

describe('init and plan', () => {
  it('init --yes writes the default plan; it refuses to overwrite, and needs a terminal or --yes', async () => {
    const { tempDir } = await import('../support/plan-files.js');
    const dir = tempDir('init');
    const run = await runCli(['init', '--yes', '--json', '--output', 'plan.yaml'], { cwd: dir });
    expect(run.exitCode).toBe(0);
    expect(run.result().path).toBe(`${dir}/plan.yaml`);
    // Editors validate it against the installed package's JSON Schema; the loader skips the comment.
    expect(readFileSync(`${dir}/plan.yaml`, 'utf8').split('\n')[0]).toBe(
      '# yaml-language-server: $schema=./node_modules/redis-migrate/schemas/plan.schema.json',
    );
    const again = await runCli(['init', '--yes', '--output', 'plan.yaml'], { cwd: dir });
    expect(again.exitCode).toBe(2);
    expect(again.stderr).toContain('already exists');
    const noTty = await runCli(['init', '--output', 'other.json'], { cwd: dir });
    expect(noTty.exitCode).toBe(2);
    const plan = await runCli(['plan', '--json', '--config', 'plan.yaml', '--redis-url', inject('redisUrl')], { cwd: dir });
    expect(plan.exitCode).toBe(0);
    expect(plan.result().tiers.map((t: { name: string; soak: { window: string } }) => [t.name, t.soak.window])).toEqual([
      ['non-critical', '24h'],
      ['medium', '24h'],
      ['critical', '26h'],
    ]);
  });

  it('plan works without Redis and says the state is unknown', async () => {
    const port = await freePort();
    const run = await runCli(['plan', '--json', '--redis-url', `redis://127.0.0.1:${port}`]);
    expect(run.exitCode).toBe(0);
    expect(run.json()).toMatchObject({ ok: true, result: { state: null, stateError: expect.stringContaining('connection refused') } });
    expect(run.result().tiers.flatMap((t: { queues: string[] }) => t.queues)).toHaveLength(11);
  });
});
