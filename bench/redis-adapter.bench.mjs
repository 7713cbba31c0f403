// redis-migrate/redis (`migratingRedis`) beside the clients it wraps, in one run on one
// redis-server: raw ioredis vs migratingRedis with USE_HTTP_REDIS off (TCP), raw @upstash/redis vs
// migratingRedis with it on (HTTP, through `serve-http` in its own process), for 10,000 get/set
// (one call in flight, then 64) and 1,000 @upstash/ratelimit limit() calls. Then what importing
// the app entry points costs a fresh process (time, resident memory).
//
// Rows are run in ROUNDS interleaved rounds (raw, adapter, raw, adapter...) and the median round
// is reported, so a neighbour's burst on the shared machine hits both sides alike. Besides wall
// time, each row reports the CPU this (client) process spent per call: the adapter's own cost.
// Env: BENCH_ROUNDS (default 5), BENCH_OPS (default 10000), BENCH_LIMITS (default 1000), BENCH_IMPORTS (default 15).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Ratelimit } from '@upstash/ratelimit';
import { Redis as Upstash } from '@upstash/redis';
import { Redis } from 'ioredis';
import { migratingRedis } from '../dist/src/adapters/redis/index.js';
import { startLocalRedis } from '../dist/src/redis/local-server.js';
import { startServeHttp } from './support/serve-http.mjs';

process.env.UPSTASH_DISABLE_TELEMETRY = '1';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const OPS = Number(process.env.BENCH_OPS ?? 10_000);
const LIMITS = Number(process.env.BENCH_LIMITS ?? 1000);
const IMPORTS = Number(process.env.BENCH_IMPORTS ?? 15);
const CONCURRENCY = 64;
const TOKEN = 'bench-token-0123456789';
const ROOT = fileURLToPath(new URL('..', import.meta.url));

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const fmt = (n, digits = 1) => n.toFixed(digits);

/**
 * `ops` calls of `once(i)`, `concurrency` in flight: wall ms, and the CPU ms this process spent
 * (the client side's own cost, which a busy neighbour inflates far less than wall time).
 */
async function timed(ops, concurrency, once) {
  let next = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < ops) await once(next++);
    }),
  );
  const used = process.cpuUsage(cpu);
  return { wall: performance.now() - started, cpu: (used.user + used.system) / 1000 };
}

const server = await startLocalRedis();
const bridge = await startServeHttp(server.url, TOKEN);
const value = 'x'.repeat(32);

const rawTcp = new Redis(server.url, { protocol: 2 });
const rawHttp = new Upstash({ url: bridge.url, token: TOKEN, automaticDeserialization: false });
const off = migratingRedis({ flags: { useHttpRedis: () => false }, redisUrl: server.url, upstash: { url: bridge.url, token: TOKEN }, name: 'bench-tcp' });
const on = migratingRedis({ flags: { useHttpRedis: () => true }, redisUrl: server.url, upstash: { url: bridge.url, token: TOKEN }, name: 'bench-http' });
const getSet = (client) => (i) => (i % 2 ? client.get(`bench:k${i % 100}`) : client.set(`bench:k${i % 100}`, value));

const limiter = (redis, prefix) => new Ratelimit({ redis, limiter: Ratelimit.slidingWindow(1_000_000, '60 s'), prefix, ephemeralCache: false });
const limiters = { httpRaw: limiter(rawHttp, 'bench:rl:raw'), tcp: limiter(off, 'bench:rl:tcp'), http: limiter(on, 'bench:rl:http') };
const limit = (rl) => (i) => rl.limit(`user-${i % 50}`);

const rows = [
  { name: 'raw ioredis', kind: 'get/set', run: (c) => timed(OPS, c, getSet(rawTcp)) },
  { name: 'migratingRedis, flag off (TCP)', kind: 'get/set', run: (c) => timed(OPS, c, getSet(off)) },
  { name: 'raw @upstash/redis (HTTP)', kind: 'get/set', run: (c) => timed(OPS, c, getSet(rawHttp)) },
  { name: 'migratingRedis, flag on (HTTP)', kind: 'get/set', run: (c) => timed(OPS, c, getSet(on)) },
  { name: '@upstash/ratelimit on raw @upstash/redis (HTTP)', kind: 'limit', run: (c) => timed(LIMITS, c, limit(limiters.httpRaw)) },
  { name: '@upstash/ratelimit on migratingRedis, flag on (HTTP)', kind: 'limit', run: (c) => timed(LIMITS, c, limit(limiters.http)) },
  { name: '@upstash/ratelimit on migratingRedis, flag off (TCP)', kind: 'limit', run: (c) => timed(LIMITS, c, limit(limiters.tcp)) },
];

console.log(
  `node ${process.version}; ${ROUNDS} interleaved rounds, median shown; ${OPS} get/set (half each), ${LIMITS} limit() calls; redis-server, serve-http and this process share the machine`,
);
// Warm-up: connections, @upstash/redis's first requests, the scripts loaded.
for (const row of rows) await row.run(8);
for (const concurrency of [1, CONCURRENCY]) {
  const samples = rows.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, row] of rows.entries()) samples[i].push(await row.run(concurrency));
  }
  console.log(`\n${concurrency} in flight: wall time (median round), client CPU per call (median round), wall of every round`);
  for (const [i, row] of rows.entries()) {
    const wall = median(samples[i].map((sample) => sample.wall));
    const cpu = median(samples[i].map((sample) => sample.cpu));
    const ops = row.kind === 'limit' ? LIMITS : OPS;
    console.log(
      `  ${row.name.padEnd(54)} ${fmt(wall, 0).padStart(6)} ms ${Math.round(ops / (wall / 1000))
        .toString()
        .padStart(7)} calls/s  CPU ${fmt((cpu * 1000) / ops, 1).padStart(6)} µs/call  (rounds ${samples[i].map((sample) => fmt(sample.wall, 0)).join(', ')})`,
    );
  }
}

await Promise.all([off.close(), on.close()]);
rawTcp.disconnect();
bridge.child.kill('SIGTERM');
await new Promise((resolve) => bridge.child.once('exit', resolve));
await server.stop();

// Import cost: a fresh process imports one thing; time of the import and resident memory added.
const IMPORT_ROWS = [
  ['nothing (node itself)', ''],
  ['ioredis', "await import('ioredis')"],
  ['redis-migrate/flags', "await import('redis-migrate/flags')"],
  ['redis-migrate/redis', "await import('redis-migrate/redis')"],
  ['@upstash/redis (loaded at the first HTTP call)', "await import('@upstash/redis')"],
  ['@upstash/ratelimit', "await import('@upstash/ratelimit')"],
];
console.log(`\nimport in a fresh process (median of ${IMPORTS}): time of the import, resident memory added (RSS after − before)`);
for (const [name, code] of IMPORT_ROWS) {
  const times = [];
  const rss = [];
  for (let i = 0; i < IMPORTS; i++) {
    const script = `const r0 = process.memoryUsage().rss; const t0 = performance.now(); ${code}; const t1 = performance.now(); console.log(JSON.stringify({ ms: t1 - t0, rss: process.memoryUsage().rss - r0 }));`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
    const result = JSON.parse(run.stdout.trim());
    times.push(result.ms);
    rss.push(result.rss);
  }
  console.log(`  ${name.padEnd(48)} ${fmt(median(times), 1).padStart(6)} ms  ${fmt(median(rss) / 1024 / 1024, 1).padStart(5)} MB`);
}
