import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { stateKeys } from '../../src/state/keys.js';
import { runCli } from '../support/cli.js';
import { backdateHistory } from '../support/history.js';
import { tempDir, writePlan } from '../support/plan-files.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';
import { connectBullWorker, fillWithBull } from '../support/queue-fixtures.js';

let server: RedisServer;
let admin: Redis;
let dir: string;
let config: string;

function cli(args: string[]) {
  return runCli([...args, '--config', config, '--json'], { cwd: dir, env: { REDIS_URL: server.url }, timeoutMs: 60_000 });
}

const status = (report: { checks: { id: string; status: string }[] }) => Object.fromEntries(report.checks.map((check) => [check.id, check.status]));

beforeAll(async () => {
  server = await startRedis();
  admin = server.client();
  dir = tempDir('verify');
  writeFileSync(join(dir, '.env'), '# app flags\nUSE_BULLMQ=false\n');
  config = writePlan(
    {
      namespace: 'v',
      tiers: [
        { name: 'one', queues: ['mail'], soak: '24h' },
        { name: 'two', queues: ['sync'], soak: '24h' },
      ],
      sinks: { dotenv: { path: '.env' } },
      target: { connections: 3, idleCommandsPerMinute: 60 },
    },
    { dir },
  );
});

afterAll(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('phase3 verify', () => {
  it('says what is missing (exit 3), and passes once the migration is done', async () => {
    await fillWithBull({ port: server.port, queue: 'mail' });
    await fillWithBull({ port: server.port, queue: 'sync' });
    const worker = await connectBullWorker(server.port, 'sync');
    const early = await cli(['phase3', 'verify', '--window', '1s']).finally(() => worker.close());
    expect(early.exitCode).toBe(3);
    const first = early.result();
    expect(first.missing).toEqual([
      'phase3.tiers-soaked',
      'phase3.flags-final',
      'phase3.legacy-keys',
      'phase3.legacy-connections',
      'phase3.connections-target', // the connected Bull worker's connections are over the target (3)
      'phase3.sinks', // .env does not carry the state yet
      'phase3.audit-trail',
    ]);
    expect(first.checks.find((check: { id: string }) => check.id === 'phase3.legacy-keys').message).toMatch(
      /^\d+ legacy key\(s\) remain: (mail|sync) \d+, (mail|sync) \d+$/,
    );
    expect(first.checks.find((check: { id: string }) => check.id === 'phase3.legacy-connections').message).toContain('legacy-worker 1 (sync)');

    expect((await cli(['phase1', '--yes', '--wait', '0', '--force', '--reason', 'no HTTP endpoint in this test'])).exitCode).toBe(0);
    // Each tier's 24h soak passes as the recorded history moves back a day (test-only).
    expect((await cli(['phase2', '--tier', 'one', '--yes', '--wait', '0'])).exitCode).toBe(0);
    await backdateHistory(admin, stateKeys('v'), '24h');
    expect((await cli(['phase2', '--tier', 'two', '--yes', '--wait', '0'])).exitCode).toBe(0);
    await backdateHistory(admin, stateKeys('v'), '24h');
    expect((await cli(['phase3', 'cleanup', '--yes'])).exitCode).toBe(0);

    const done = await cli(['phase3', 'verify', '--window', '2s']);
    expect(done.exitCode).toBe(0);
    const report = done.result();
    expect(status(report)).toEqual({
      'phase3.tiers-soaked': 'pass',
      'phase3.flags-final': 'pass',
      'phase3.legacy-keys': 'pass',
      'phase3.legacy-connections': 'pass',
      'phase3.connections-target': 'pass',
      'phase3.idle-commands': 'pass',
      'phase3.sinks': 'pass',
      'phase3.audit-trail': 'pass',
    });
    expect(report.checks.find((check: { id: string }) => check.id === 'phase3.audit-trail').message).toBe(
      '3 flag change(s), versions 1 to 3, replay to the current state',
    );
    expect(readFileSync(join(dir, '.env'), 'utf8')).toContain('USE_BULLMQ=true');

    // The sink drifts (someone edits the file): verify says so.
    writeFileSync(join(dir, '.env'), readFileSync(join(dir, '.env'), 'utf8').replace('USE_BULLMQ=true', 'USE_BULLMQ=false'));
    const drifted = await cli(['phase3', 'verify', '--window', '1s']);
    expect(drifted.exitCode).toBe(3);
    expect(drifted.result().missing).toEqual(['phase3.sinks']);

    // Every verification is in the audit trail, with its results.
    const audit = (await cli(['audit', '--limit', '50'])).result();
    const notes = audit.entries.filter((entry: { command: string }) => entry.command === 'phase3 verify');
    expect(notes.map((entry: { details: { summary: string } }) => entry.details.summary)).toEqual([
      'phase3 verify: missing phase3.tiers-soaked, phase3.flags-final, phase3.legacy-keys, phase3.legacy-connections, phase3.connections-target, phase3.sinks, phase3.audit-trail',
      'phase3 verify: end state verified',
      'phase3 verify: missing phase3.sinks',
    ]);
  }, 120_000);

  it('counts the idle command rate against the plan target', async () => {
    const busy = setInterval(() => void admin.get('app:busy'), 50); // ~1200 commands/min from "the app"
    try {
      const run = await cli(['phase3', 'verify', '--window', '1s']);
      const idle = run.result().checks.find((check: { id: string }) => check.id === 'phase3.idle-commands');
      expect(idle.status).toBe('fail');
      expect(idle.data.perMinute).toBeGreaterThan(300);
    } finally {
      clearInterval(busy);
    }
  }, 60_000);
});
