import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Redis } from 'ioredis';
import { stateKeys } from '../../src/state/keys.js';
import { runCli, uniqueNamespace } from '../support/cli.js';
import { planDocument, tempDir, writePlan } from '../support/plan-files.js';

// A tier name written straight into the state hash, built to run a command wherever it is pasted
// into shell text: a hook's `sh -c` script, or a dotenv file that is sourced.
let admin: Redis;
let dir: string;
let marker: string;

beforeAll(() => {
  admin = new Redis(inject('redisUrl'), { protocol: 2 });
  dir = tempDir('inject');
  marker = join(dir, 'pwned');
});
afterAll(async () => {
  await admin.quit();
  rmSync(dir, { recursive: true, force: true });
});

function cli(args: string[], config: string, ns: string) {
  return runCli([...args, '--namespace', ns, '--config', config], { env: { REDIS_URL: inject('redisUrl') }, cwd: dir });
}

async function plantTier(ns: string): Promise<string> {
  const name = `x$(touch ${marker})`;
  await admin.hset(stateKeys(ns).state, { [`tier:${name}`]: 'bullmq', [`tier:${name}:queues`]: 'token-refresh' });
  return name;
}

describe('a tier name from Redis never runs a command', () => {
  it("status reports it as drift; sinks carry only the plan's tiers; the dotenv file sources safely", async () => {
    const ns = uniqueNamespace('inj');
    const envFile = join(dir, `${ns}.env`);
    writeFileSync(envFile, 'APP=1\n');
    const hookLog = join(dir, `${ns}.hook.log`);
    const config = writePlan(
      planDocument({
        sinks: {
          dotenv: { path: envFile },
          hooks: [{ name: 'record', command: ['sh', '-c', 'printf "%s=%s|%s\\n" "$1" "$2" "$REDIS_MIGRATE_VALUE" >> "$0"', hookLog, '{{name}}', '{{value}}'] }],
        },
      }),
      { dir, name: `${ns}.json` },
    );
    const name = await plantTier(ns);

    const status = await cli(['status', '--json'], config, ns);
    expect(status.exitCode).toBe(4);
    expect(status.result().drift.findings).toContainEqual({ source: 'plan', message: expect.stringContaining(JSON.stringify(name)) });
    expect(status.result().flags.BULLMQ_TIERS).toEqual([]);

    // The gate's drift check refuses the flip; forced past it, the flip still never carries the name.
    const gated = await cli(['phase2', '--tier', 'non-critical', '--yes', '--wait', '0', '--json'], config, ns);
    expect(gated.exitCode).toBe(3);
    const flip = await cli(['phase2', '--tier', 'non-critical', '--yes', '--wait', '0', '--json', '--force', '--reason', 'test'], config, ns);
    expect(flip.exitCode).toBe(0);
    expect(flip.result().flags.BULLMQ_TIERS).toEqual(['non-critical']);
    expect(readFileSync(envFile, 'utf8')).toContain('BULLMQ_TIERS=non-critical\n');
    expect(readFileSync(hookLog, 'utf8')).toContain('BULLMQ_TIERS=non-critical|non-critical\n');
    expect(readFileSync(hookLog, 'utf8')).not.toContain('touch');

    const rollback = await cli(['rollback', '--yes', '--wait', '0', '--json'], config, ns);
    expect(rollback.exitCode).toBe(0);
    execFileSync('sh', ['-c', `set -a; . '${envFile}'; env > /dev/null`]);
    expect(existsSync(marker)).toBe(false);
  });

  it('a hook that would paste a placeholder into `sh -c` shell text is refused at plan load (exit 2)', async () => {
    const ns = uniqueNamespace('inj');
    const config = writePlan(planDocument({ sinks: { hooks: [{ name: 'unsafe', command: ['sh', '-c', 'echo {{name}}={{value}} > /dev/null'] }] } }), {
      dir,
      name: `${ns}.json`,
    });
    await plantTier(ns);
    const flip = await cli(['phase2', '--tier', 'non-critical', '--yes', '--wait', '0', '--json', '--force', '--reason', 'test'], config, ns);
    expect(flip.exitCode).toBe(2);
    expect(flip.json().error.message).toContain('sinks.hooks[0].command[2]: {{name}} inside a shell script would be run as shell text');
    expect(existsSync(marker)).toBe(false);
  });
});
