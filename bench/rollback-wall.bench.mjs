// `redis-migrate rollback --yes` as a whole process: wall time, median over runs, with no app
// instances and with 100 live SDK instances (in a separate process) that must confirm.
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { applyFlagChange } from '../dist/src/state/flag-store.js';
import { stateKeys } from '../dist/src/state/keys.js';
import { machine, summary, withRedis } from './support.mjs';

const BIN = fileURLToPath(new URL('../bin/redis-migrate.js', import.meta.url));
const RUNS = Number(process.env.RUNS ?? 15);

async function measure(server, namespace, label) {
  const admin = new Redis(server.url, { protocol: 2 });
  const keys = stateKeys(namespace);
  const times = [];
  let confirmations;
  for (let i = 0; i < RUNS; i++) {
    await applyFlagChange(admin, keys, { actor: 'bench', command: 'bench', kind: 'flip', changes: { useBullmq: 'true', 'tier:non-critical': 'bullmq' } });
    await new Promise((r) => setTimeout(r, 100));
    const started = performance.now();
    const run = spawnSync(process.execPath, [BIN, 'rollback', '--yes', '--json', '--namespace', namespace], { env: { ...process.env, REDIS_URL: server.url } });
    times.push(performance.now() - started);
    if (run.status !== 0) throw new Error(`rollback exited ${run.status}: ${run.stdout}${run.stderr}`);
    confirmations = JSON.parse(String(run.stdout)).result.confirmations;
  }
  await admin.quit();
  console.log(
    `${label}: wall ms ${JSON.stringify(summary(times))}; last run confirmed ${confirmations.confirmed}/${confirmations.live}, slowest ack ${confirmations.slowestMs} ms`,
  );
}

await withRedis(async (server) => {
  console.log(`machine: ${machine()}; ${RUNS} runs each`);
  const bare = spawnSync(process.execPath, ['-e', ''], {});
  const node = [];
  for (let i = 0; i < 10; i++) {
    const t = performance.now();
    spawnSync(process.execPath, ['-e', ''], {});
    node.push(performance.now() - t);
  }
  void bare;
  console.log(`reference: empty node process ${JSON.stringify(summary(node))} ms`);
  await measure(server, 'bench-rollback-empty', 'rollback, no app instances');

  // 100 SDK instances in another process, as a fleet of apps would be.
  const fleet = spawn(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `
    import { connectFlags } from ${JSON.stringify(new URL('../dist/src/flags/index.js', import.meta.url).href)};
    const clients = [];
    for (let i = 0; i < 100; i++) clients.push(await connectFlags({ app: 'fleet', redisUrl: ${JSON.stringify(server.url)}, namespace: 'bench-rollback-fleet', env: {}, heartbeatMs: 2000 }));
    process.stdout.write('ready\\n');
    process.stdin.on('data', async () => { await Promise.all(clients.map((c) => c.close())); process.exit(0); });
  `,
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  await new Promise((resolve) => fleet.stdout.once('data', resolve));
  await measure(server, 'bench-rollback-fleet', 'rollback, 100 live SDK instances confirming');
  fleet.stdin.write('stop\n');
  await new Promise((resolve) => fleet.once('exit', resolve));
});
