import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { execa } from 'execa';
import { Redis } from 'ioredis';
import { stateKeys } from '../../src/state/keys.js';
import { BIN, runCli, uniqueNamespace } from '../support/cli.js';
import { planDocument, tempDir, writePlan } from '../support/plan-files.js';
import { waitFor } from '../support/wait.js';
import { fastHttpChecks, restEndpoint } from '../support/http.js';

let admin: Redis;
// phase1 runs the HTTP checks before it takes the lock: it needs a working REST endpoint.
let rest: Awaited<ReturnType<typeof restEndpoint>>;
beforeAll(async () => {
  admin = new Redis(inject('redisUrl'), { protocol: 2 });
  rest = await restEndpoint(inject('redisUrl'));
});
afterAll(async () => {
  await admin.quit();
  await rest?.close();
});

/**
 * A plan whose hook holds the command (and so the lock: hooks run under it) until the test writes
 * `release`, or for 30 s at most (a killed holder leaves its hook behind).
 */
function heldHookPlan(release: string, lockTtl: string): string {
  const hold = 'i=0; while [ ! -e "$0" ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i+1)); done';
  return writePlan(
    planDocument({
      sinks: { hooks: [{ name: 'slow-platform', command: ['sh', '-c', hold, release], timeout: '60s' }] },
      lock: { ttl: lockTtl },
      http: fastHttpChecks(),
    }),
  );
}

function startHolder(ns: string, config: string) {
  return execa('node', [BIN, 'phase1', '--yes', '--json', '--namespace', ns, '--config', config], {
    reject: false,
    env: { REDIS_URL: inject('redisUrl'), NO_COLOR: '1', REDIS_MIGRATE_ACTOR: 'alice@ops', ...rest.env },
  });
}

describe('the migration lock between processes', () => {
  it('a second operator gets exit 5 with who holds it and since when', async () => {
    const ns = uniqueNamespace();
    const release = join(tempDir('lock'), 'release');
    const config = heldHookPlan(release, '30s');
    const holder = startHolder(ns, config);
    await waitFor(() => admin.exists(stateKeys(ns).lock), { what: 'the first process to take the lock' });
    const second = await runCli(['phase2', '--tier', 'non-critical', '--yes', '--json', '--namespace', ns, '--config', config], {
      env: { REDIS_URL: inject('redisUrl') },
    });
    expect(second.exitCode).toBe(5);
    expect(second.json().error).toMatchObject({ code: 'lock.held' });
    expect(second.json().error.message).toMatch(/held by alice@ops \(phase1, pid \d+ on .+\) since \d{4}-\d\d-\d\dT/);
    writeFileSync(release, '');
    const first = await holder;
    expect(first.exitCode).toBe(0);
    expect(await admin.exists(stateKeys(ns).lock)).toBe(0);
  });

  it("a killed holder's lock expires by itself", async () => {
    const ns = uniqueNamespace();
    const release = join(tempDir('lock'), 'release');
    const config = heldHookPlan(release, '2s');
    const holder = startHolder(ns, config);
    await waitFor(() => admin.exists(stateKeys(ns).lock), { what: 'the first process to take the lock' });
    holder.kill('SIGKILL');
    await holder;
    writeFileSync(release, ''); // the orphaned hook ends too
    // Killed, it released nothing (read from Redis: on a loaded machine a second CLI may start after the 2s TTL).
    expect(Number(await admin.pttl(stateKeys(ns).lock))).toBeGreaterThan(0);
    const other = writePlan(planDocument({ lock: { ttl: '2s' } }));
    await waitFor(async () => (await admin.exists(stateKeys(ns).lock)) === 0, { what: 'the lock to expire' });
    const after = await runCli(['phase2', '--tier', 'non-critical', '--yes', '--json', '--namespace', ns, '--config', other], {
      env: { REDIS_URL: inject('redisUrl') },
    });
    expect(after.exitCode).toBe(0);
  });
});

describe('sinks', () => {
  it('updates the dotenv file in place, keeps comments and file mode, and runs hooks per changed flag', async () => {
    const dir = tempDir('sinks');
    const envFile = join(dir, '.env.production');
    writeFileSync(envFile, '# production settings\nDATABASE_URL=postgres://db/app\nUSE_BULLMQ=false # managed by redis-migrate\n');
    chmodSync(envFile, 0o600);
    const hookLog = join(dir, 'hook.log');
    const config = writePlan(
      planDocument({
        sinks: {
          dotenv: { path: envFile },
          hooks: [{ name: 'record', command: ['sh', '-c', `echo "$0=$1 v$2" >> ${hookLog}`, '{{name}}', '{{value}}', '{{version}}'] }],
        },
      }),
      { dir },
    );
    const ns = uniqueNamespace();
    const run = await runCli(['phase2', '--tier', 'non-critical', '--yes', '--json', '--namespace', ns, '--config', config], {
      env: { REDIS_URL: inject('redisUrl') },
    });
    expect(run.exitCode).toBe(0);
    expect(run.result().sinks.dotenv).toMatchObject({ ok: true, changed: true });
    expect(readFileSync(envFile, 'utf8')).toBe(
      '# production settings\nDATABASE_URL=postgres://db/app\nUSE_BULLMQ=true # managed by redis-migrate\nBULLMQ_TIERS=non-critical\nUSE_HTTP_REDIS=false\n',
    );
    expect(statSync(envFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(hookLog, 'utf8').trim().split('\n').sort()).toEqual(['BULLMQ_TIERS=non-critical v1', 'USE_BULLMQ=true v1']);
  });

  it('a failing hook is reported and audited, and the Redis change stands', async () => {
    const ns = uniqueNamespace();
    const config = writePlan(
      planDocument({ sinks: { hooks: [{ name: 'broken-platform', command: ['sh', '-c', 'echo "token=abc123secret denied" >&2; exit 7'] }] } }),
    );
    const run = await runCli(['phase2', '--tier', 'non-critical', '--yes', '--json', '--namespace', ns, '--config', config], {
      env: { REDIS_URL: inject('redisUrl') },
    });
    expect(run.exitCode).toBe(0);
    const report = run.result();
    expect(report.flags.USE_BULLMQ).toBe(true);
    expect(report.warnings.join('\n')).toContain('hook broken-platform (USE_BULLMQ): exited with code 7');
    expect(report.sinks.hooks[0]).toMatchObject({ ok: false, exitCode: 7 });
    const audit = (await runCli(['audit', '--json', '--namespace', ns], { env: { REDIS_URL: inject('redisUrl') } })).result();
    expect(audit.entries.map((e: { kind: string }) => e.kind)).toEqual(['flip', 'sink']);
    expect(JSON.stringify(audit.entries[1].details)).toContain('exited with code 7');
  });
});
