// phase3 cleanup vs `redis-cli --scan --pattern 'bull:<queue>:*' | xargs -n 1000 redis-cli unlink`:
// the same 1,000,000 legacy keys, the same throwaway redis-server, in the same run. Target: at
// least 2.5x faster, with the cleanup process's peak RSS under 200 MB.
// `node bench/cleanup.bench.mjs [keys] [rounds]` (defaults 1000000 and 1).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { startLocalRedis } from '../dist/src/redis/local-server.js';
import { fillLegacyKeys } from './support/fill-legacy.mjs';

const KEYS = Number(process.argv[2] ?? 1_000_000);
const ROUNDS = Number(process.argv[3] ?? 1);
const QUEUE = 'calendar-sync';
const TARGET_SPEEDUP = 2.5;
const MAX_RSS_MB = 200;
const wrapper = fileURLToPath(new URL('./support/cli-with-rss.mjs', import.meta.url));

function run(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    let stdout = '';
    let stderr = '';
    let vmHwmKb = 0;
    // Cross-check of the peak RSS from outside: VmHWM of the child while it runs.
    const poll = setInterval(() => {
      try {
        const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (match) vmHwmKb = Math.max(vmHwmKb, Number(match[1]));
      } catch {
        // exited between polls
      }
    }, 20);
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(poll);
      resolve({ code, stdout, stderr, seconds: (performance.now() - started) / 1000, vmHwmKb });
    });
  });
}

async function legacyLeft(client) {
  let cursor = '0';
  let n = 0;
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `bull:${QUEUE}:*`, 'COUNT', 10000);
    cursor = next;
    n += keys.length;
  } while (cursor !== '0');
  return n;
}

const server = await startLocalRedis();
const dir = mkdtempSync(join(tmpdir(), 'cleanup-bench-'));
const client = new Redis(server.url);
try {
  const plan = join(dir, 'plan.json');
  writeFileSync(plan, JSON.stringify({ namespace: 'bench', tiers: [{ name: 'only', queues: [QUEUE], soak: '1ms' }] }));
  const env = { ...process.env, NO_COLOR: '1', REDIS_URL: server.url };
  const cli = (...args) => run(process.execPath, [wrapper, '--config', plan, ...args], { env });
  const flip = await cli('phase2', '--tier', 'only', '--yes', '--wait', '0');
  if (flip.code !== 0) throw new Error(`phase2 failed: ${flip.stderr}`);
  await new Promise((resolve) => setTimeout(resolve, 20));

  const info = (await client.info('server')).match(/redis_version:(\S+)/)?.[1];
  console.log(
    `machine: ${cpus()[0]?.model} x${cpus().length}, ${Math.round(totalmem() / 2 ** 30)} GB; node ${process.version}; redis ${info}; ${new Date().toISOString()}`,
  );
  console.log(`keys: ${KEYS.toLocaleString('en-US')} legacy keys of one queue (60 % job hashes, 30 % log lists, 10 % lock strings)`);

  const results = [];
  for (let round = 1; round <= ROUNDS; round++) {
    await fillLegacyKeys({ port: server.port, queue: QUEUE, count: KEYS });
    const baseline = await run('sh', [
      '-c',
      `redis-cli -p ${server.port} --scan --pattern 'bull:${QUEUE}:*' | xargs -n 1000 redis-cli -p ${server.port} unlink > /dev/null`,
    ]);
    const baselineLeft = await legacyLeft(client);

    await fillLegacyKeys({ port: server.port, queue: QUEUE, count: KEYS });
    const ours = await cli('phase3', 'cleanup', '--yes', '--json');
    if (ours.code !== 0) throw new Error(`phase3 cleanup exited ${ours.code}: ${ours.stdout}${ours.stderr}`);
    const { result: report } = JSON.parse(ours.stdout);
    const oursLeft = await legacyLeft(client);
    const rssMb = Number(/PEAK_RSS_KB=(\d+)/.exec(ours.stderr)?.[1] ?? 0) / 1024;
    const speedup = baseline.seconds / ours.seconds;
    results.push({ speedup, rssMb });
    console.log(
      `round ${round}: redis-cli|xargs ${baseline.seconds.toFixed(2)} s (left ${baselineLeft}); ` +
        `phase3 cleanup ${ours.seconds.toFixed(2)} s, ${report.keys.total.toLocaleString('en-US')} deleted (left ${oursLeft}), ` +
        `${Math.round(report.keys.total / ours.seconds).toLocaleString('en-US')} keys/s; ` +
        `speedup ${speedup.toFixed(2)}x; peak RSS ${rssMb.toFixed(0)} MB (VmHWM ${(ours.vmHwmKb / 1024).toFixed(0)} MB)`,
    );
    if (baselineLeft !== 0 || oursLeft !== 0 || report.keys.total !== KEYS) throw new Error('a run did not delete every legacy key');

    // For information (no target): the same cleanup writing a backup of every key first (DUMP, synced).
    await fillLegacyKeys({ port: server.port, queue: QUEUE, count: KEYS });
    const backupFile = join(dir, `backup-${round}.ndjson`);
    const withBackup = await cli('phase3', 'cleanup', '--yes', '--json', '--backup', backupFile);
    if (withBackup.code !== 0) throw new Error(`phase3 cleanup --backup exited ${withBackup.code}: ${withBackup.stderr}`);
    const backupRss = Number(/PEAK_RSS_KB=(\d+)/.exec(withBackup.stderr)?.[1] ?? 0) / 1024;
    console.log(
      `round ${round}: with --backup ${withBackup.seconds.toFixed(2)} s (${Math.round(KEYS / withBackup.seconds).toLocaleString('en-US')} keys/s), ` +
        `backup ${(statSync(backupFile).size / 2 ** 20).toFixed(0)} MB, peak RSS ${backupRss.toFixed(0)} MB`,
    );
    rmSync(backupFile);
  }
  const worst = results.reduce((a, b) => (a.speedup < b.speedup ? a : b));
  const peak = Math.max(...results.map((r) => r.rssMb));
  const pass = worst.speedup >= TARGET_SPEEDUP && peak < MAX_RSS_MB;
  console.log(
    `${pass ? 'PASS' : 'FAIL'}: slowest speedup ${worst.speedup.toFixed(2)}x (target >= ${TARGET_SPEEDUP}x), peak RSS ${peak.toFixed(0)} MB (target < ${MAX_RSS_MB} MB)`,
  );
  process.exitCode = pass ? 0 : 1;
} finally {
  client.disconnect();
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
