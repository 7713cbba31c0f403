// The HTTP bridge (`serve-http`) against direct ioredis on the same local redis-server:
// single-command GET and SET, requests per second and p50/p99 latency.
//
// Set-up: a throwaway redis-server; the bridge runs as the real CLI (`serve-http`) in its own
// process; this process is the load generator. Load: closed loop, C requests in flight, each on
// its own keep-alive connection (HTTP) or all on one ioredis connection (as an app would). The
// HTTP client is a minimal raw HTTP/1.1 keep-alive client over node:net, so the generator spends
// as little CPU as possible on a 2-core machine where Redis, the bridge and the generator compete.
// Requests are what @upstash/redis sends by default: POST /pipeline [["get",k]] with
// Upstash-Encoding: base64 (auto-pipelining). A last row drives @upstash/redis itself.
//
// Env: BENCH_SECONDS (default 5 per row), BENCH_CONCURRENCY (default 64).
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { Redis as Upstash } from '@upstash/redis';
import { startLocalRedis } from '../dist/src/redis/local-server.js';
import { cpuSeconds, httpRequest, load as closedLoop, rawClients, TOKEN } from './support/http-load.mjs';
import { startServeHttp } from './support/serve-http.mjs';

process.env.UPSTASH_DISABLE_TELEMETRY = '1';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
const WARMUP_MS = 1000;
const BIN = fileURLToPath(new URL('../bin/redis-migrate.js', import.meta.url));
const load = (concurrency, once) => closedLoop(concurrency, once, { seconds: SECONDS, warmupMs: WARMUP_MS });

const fmt = (n, digits = 3) => (Number.isFinite(n) ? n.toFixed(digits) : '-');

const redisServer = await startLocalRedis();
const bridge = await startServeHttp(redisServer.url, TOKEN, { bin: BIN });
const direct = new Redis(redisServer.url, { protocol: 2 });
await direct.set('bench:k', 'x'.repeat(32));
const rows = [];

async function row(name, concurrency, once, options = {}) {
  const cpuBefore = options.pid ? cpuSeconds(options.pid) : NaN;
  const wallBefore = performance.now();
  const result = await load(concurrency, once);
  const cores = options.pid ? (cpuSeconds(options.pid) - cpuBefore) / ((performance.now() - wallBefore) / 1000) : NaN;
  rows.push({ name, concurrency, ...result, cores });
  console.log(
    `${name.padEnd(44)} c=${String(concurrency).padStart(3)}  ${Math.round(result.rps).toString().padStart(7)} req/s  p50 ${fmt(result.p50)} ms  p99 ${fmt(result.p99)} ms${Number.isFinite(cores) ? `  bridge CPU ${fmt(cores, 2)} cores` : ''}`,
  );
  return result;
}

const clients = await rawClients(bridge.port, CONCURRENCY);
const getRequest = httpRequest(bridge.port, '/pipeline', [['get', 'bench:k']]);
const setRequest = httpRequest(bridge.port, '/pipeline', [['set', 'bench:k', 'x'.repeat(32)]]);
const singleGet = httpRequest(bridge.port, '/', ['GET', 'bench:k']);
const pid = bridge.child.pid;

console.log(`node ${process.version}, ${SECONDS}s per row after ${WARMUP_MS} ms warm-up; redis-server, bridge and this generator share the machine`);
const directGet1 = await row('direct ioredis GET', 1, () => direct.get('bench:k'));
const httpGet1 = await row('bridge GET  (POST /pipeline, base64)', 1, () => clients[0].send(getRequest), { pid });
const directSet1 = await row('direct ioredis SET', 1, () => direct.set('bench:k', 'x'.repeat(32)));
const httpSet1 = await row('bridge SET  (POST /pipeline, base64)', 1, () => clients[0].send(setRequest), { pid });
await row('direct ioredis GET', CONCURRENCY, () => direct.get('bench:k'));
await row('bridge GET  (POST /pipeline, base64)', CONCURRENCY, (i) => clients[i].send(getRequest), { pid });
await row('bridge GET  (POST /, base64)', CONCURRENCY, (i) => clients[i].send(singleGet), { pid });
await row('direct ioredis SET', CONCURRENCY, () => direct.set('bench:k', 'x'.repeat(32)));
await row('bridge SET  (POST /pipeline, base64)', CONCURRENCY, (i) => clients[i].send(setRequest), { pid });
const sdk = new Upstash({ url: bridge.url, token: TOKEN });
await row('@upstash/redis get() via the bridge', CONCURRENCY, () => sdk.get('bench:k'), { pid });

console.log(`added p50 latency at c=1: GET ${fmt(httpGet1.p50 - directGet1.p50)} ms, SET ${fmt(httpSet1.p50 - directSet1.p50)} ms`);

for (const client of clients) client.close();
direct.disconnect();
await bridge.stop();
await redisServer.stop();
