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
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { Redis } from 'ioredis';
import { Redis as Upstash } from '@upstash/redis';
import { startLocalRedis } from '../dist/src/redis/local-server.js';
import { startServeHttp } from './support/serve-http.mjs';

process.env.UPSTASH_DISABLE_TELEMETRY = '1';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
const WARMUP_MS = 1000;
const TOKEN = 'bench-token-0123456789';

function percentile(sorted, p) {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] : NaN;
}

/** Closed loop: `concurrency` workers each await `once()` back to back; latencies after the warm-up. */
async function load(concurrency, once) {
  const latencies = [];
  let measuring = false;
  let stop = false;
  const worker = async (i) => {
    while (!stop) {
      const start = performance.now();
      await once(i);
      if (measuring) latencies.push(performance.now() - start);
    }
  };
  const workers = Array.from({ length: concurrency }, (_, i) => worker(i));
  await new Promise((r) => setTimeout(r, WARMUP_MS));
  measuring = true;
  const begin = performance.now();
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  measuring = false;
  const elapsed = (performance.now() - begin) / 1000;
  const count = latencies.length;
  stop = true;
  await Promise.all(workers);
  latencies.sort((a, b) => a - b);
  return { rps: count / elapsed, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

/** One keep-alive HTTP/1.1 connection; `send(buffer)` resolves when the whole answer is in. */
function rawHttp(port) {
  const socket = connect({ port, host: '127.0.0.1', noDelay: true });
  let buffered = Buffer.alloc(0);
  let pending;
  socket.on('data', (chunk) => {
    buffered = buffered.length ? Buffer.concat([buffered, chunk]) : chunk;
    const headerEnd = buffered.indexOf('\r\n\r\n');
    if (headerEnd === -1) return;
    const head = buffered.subarray(0, headerEnd).toString('latin1');
    const length = Number(/content-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
    if (buffered.length < headerEnd + 4 + length) return;
    const status = head.slice(9, 12);
    buffered = buffered.subarray(headerEnd + 4 + length);
    const done = pending;
    pending = undefined;
    if (status !== '200') done.reject(new Error(`HTTP ${status}: ${head}`));
    else done.resolve();
  });
  socket.on('error', (error) => pending?.reject(error));
  return {
    ready: new Promise((resolve) => socket.once('connect', resolve)),
    send(request) {
      return new Promise((resolve, reject) => {
        pending = { resolve, reject };
        socket.write(request);
      });
    },
    close: () => socket.destroy(),
  };
}

function httpRequest(port, path, body) {
  const json = JSON.stringify(body);
  return Buffer.from(
    `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\n` +
      `Upstash-Encoding: base64\r\nUpstash-Sync-Token: 1\r\nContent-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`,
  );
}


/** CPU seconds a process has used (Linux /proc), to show how busy the bridge was. */
function cpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

const fmt = (n, digits = 3) => (Number.isFinite(n) ? n.toFixed(digits) : '-');

const redisServer = await startLocalRedis();
const bridge = await startServeHttp(redisServer.url, TOKEN);
const direct = new Redis(redisServer.url, { protocol: 2 });
await direct.set('bench:k', 'x'.repeat(32));
const rows = [];

async function row(name, concurrency, once, options = {}) {
  const cpuBefore = options.pid ? cpuSeconds(options.pid) : NaN;
  const wallBefore = performance.now();
  const result = await load(concurrency, once);
  const cores = options.pid ? (cpuSeconds(options.pid) - cpuBefore) / ((performance.now() - wallBefore) / 1000) : NaN;
  rows.push({ name, concurrency, ...result, cores });
  console.log(`${name.padEnd(44)} c=${String(concurrency).padStart(3)}  ${Math.round(result.rps).toString().padStart(7)} req/s  p50 ${fmt(result.p50)} ms  p99 ${fmt(result.p99)} ms${Number.isFinite(cores) ? `  bridge CPU ${fmt(cores, 2)} cores` : ''}`);
  return result;
}

const clients = await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
  const client = rawHttp(bridge.port);
  await client.ready;
  return client;
}));
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
bridge.child.kill('SIGTERM');
await new Promise((resolve) => bridge.child.once('exit', resolve));
await redisServer.stop();
