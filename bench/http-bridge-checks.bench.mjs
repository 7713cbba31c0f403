// What the bridge's request checks cost on ordinary requests: this build against an earlier one
// (a git ref, built into a temporary directory), both as the real CLI (`serve-http`) over the same
// throwaway redis-server, in the same run. Each scenario runs in rounds that alternate the two
// bridges (before, after, then after, before...), so both see the same machine load; the table
// shows the median over rounds. "CPU µs/req" is the bridge process's CPU time (from /proc) per
// request answered: the most direct measure of what the checks add.
//
// Env: BENCH_BASELINE_REF (the build to compare against, e.g. the commit before the change;
// without it the benchmark says so and skips), BENCH_SECONDS (3 per round), BENCH_ROUNDS (4).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLocalRedis } from '../dist/src/redis/local-server.js';
import { machine } from './support.mjs';
import { cpuSeconds, httpRequest, load, rawClients, TOKEN } from './support/http-load.mjs';
import { startServeHttp } from './support/serve-http.mjs';

const REF = process.env.BENCH_BASELINE_REF;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));

if (!REF) {
  console.log('skipped: set BENCH_BASELINE_REF=<git ref> to compare this build with an earlier one');
  process.exit(0);
}

/** The CLI as of `ref`, built in a temporary directory that shares this checkout's node_modules. */
function buildBaseline(ref) {
  const dir = mkdtempSync(join(tmpdir(), 'redis-migrate-baseline-'));
  execFileSync('sh', ['-c', `git -C "${ROOT}" archive "${ref}" | tar -x -C "${dir}"`], { stdio: 'inherit' });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  execFileSync(process.execPath, [join(ROOT, 'node_modules/.bin/tsc'), '-p', 'tsconfig.json'], { cwd: dir, stdio: 'inherit' });
  return dir;
}

const baselineDir = buildBaseline(REF);
const commit = execFileSync('git', ['-C', ROOT, 'rev-parse', '--short', REF]).toString().trim();
const head = execFileSync('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD']).toString().trim();
const redisServer = await startLocalRedis();
const sides = [
  { name: `before (${commit})`, bridge: await startServeHttp(redisServer.url, TOKEN, { bin: join(baselineDir, 'bin/redis-migrate.js') }) },
  { name: `after (${head})`, bridge: await startServeHttp(redisServer.url, TOKEN, { bin: join(ROOT, 'bin/redis-migrate.js') }) },
];

// A rate-limit-like script as @upstash/ratelimit writes them (the shebang both builds rewrite).
const SCRIPT = `#!lua flags=allow-key-locking\nlocal n = redis.call('INCR', KEYS[1])\nif n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end\nreturn n`;
for (const side of sides) {
  const port = side.bridge.port;
  const [client] = await rawClients(port, 1);
  await client.send(
    httpRequest(port, '/pipeline', [
      ['set', 'bench:k', 'x'.repeat(32)],
      ['set', 'bench:big', 'x'.repeat(1024)],
      ['script', 'load', SCRIPT],
    ]),
  );
  client.close();
}
const sha = createHash('sha1').update(SCRIPT).digest('hex');

const scenarios = [
  { name: 'GET (POST /pipeline, base64)', concurrency: 1, body: () => [['get', 'bench:k']] },
  { name: 'GET (POST /pipeline, base64)', concurrency: 64, body: () => [['get', 'bench:k']] },
  { name: 'SET 32 B (POST /pipeline)', concurrency: 64, body: () => [['set', 'bench:k', 'x'.repeat(32)]] },
  { name: 'SET 1 KB (POST /pipeline)', concurrency: 64, body: () => [['set', 'bench:big', 'x'.repeat(1024)]] },
  { name: 'GET (POST /, one command)', concurrency: 64, path: '/', body: () => ['GET', 'bench:k'] },
  { name: 'pipeline of 100 GETs', concurrency: 8, body: () => Array.from({ length: 100 }, (_, i) => ['get', `bench:k${i}`]) },
  { name: 'rate-limit script (EVALSHA)', concurrency: 64, body: () => [['evalsha', sha, 1, 'bench:rl', 60000]] },
];

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const fmt = (n, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : '-');

console.log(`${machine()}; ${ROUNDS} rounds of ${SECONDS} s per scenario and build, alternating`);
const table = [];
for (const scenario of scenarios) {
  const results = sides.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? [0, 1] : [1, 0];
    for (const index of order) {
      const { bridge } = sides[index];
      const request = httpRequest(bridge.port, scenario.path ?? '/pipeline', scenario.body());
      // Fresh connections each time: the bridge closes keep-alive ones idle for 30 s.
      const clients = await rawClients(bridge.port, scenario.concurrency);
      const cpuBefore = cpuSeconds(bridge.child.pid);
      const result = await load(scenario.concurrency, (i) => clients[i].send(request), { seconds: SECONDS, warmupMs: 500 });
      const cpu = cpuSeconds(bridge.child.pid) - cpuBefore;
      for (const client of clients) client.close();
      // CPU over the warm-up and the measured window, per request in the window (both builds alike).
      results[index].push({ ...result, cpuUs: (cpu / (result.count * ((SECONDS + 0.5) / SECONDS))) * 1e6 });
    }
  }
  const [before, after] = results.map((runs) => ({
    rps: median(runs.map((r) => r.rps)),
    p50: median(runs.map((r) => r.p50)),
    p99: median(runs.map((r) => r.p99)),
    cpuUs: median(runs.map((r) => r.cpuUs)),
  }));
  table.push({ scenario, before, after });
  console.log(
    `${scenario.name.padEnd(30)} c=${String(scenario.concurrency).padStart(2)}  ` +
      sides
        .map(
          (side, i) =>
            `${side.name}: ${Math.round([before, after][i].rps)} req/s p50 ${fmt([before, after][i].p50, 3)} ms p99 ${fmt([before, after][i].p99, 3)} ms CPU ${fmt([before, after][i].cpuUs, 1)} µs/req`,
        )
        .join(' | ') +
      `  → CPU ${after.cpuUs >= before.cpuUs ? '+' : ''}${fmt(after.cpuUs - before.cpuUs, 1)} µs/req`,
  );
}

console.log(
  '\n| scenario | C | req/s before | req/s after | p50 ms before | p50 ms after | p99 ms before | p99 ms after | CPU µs/req before | CPU µs/req after |',
);
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const { scenario, before, after } of table) {
  console.log(
    `| ${scenario.name} | ${scenario.concurrency} | ${Math.round(before.rps)} | ${Math.round(after.rps)} | ${fmt(before.p50, 3)} | ${fmt(after.p50, 3)} | ${fmt(before.p99, 3)} | ${fmt(after.p99, 3)} | ${fmt(before.cpuUs, 1)} | ${fmt(after.cpuUs, 1)} |`,
  );
}

for (const side of sides) await side.bridge.stop();
await redisServer.stop();
rmSync(baselineDir, { recursive: true, force: true });
