// loadtest: 1000 jobs over the plan's 11 queues, through the harness (`runLoadtest`, as the
// `loadtest` command runs it) and through raw BullMQ doing the same (same connection pattern, same
// bulk adds, no sampling or latency tracking). Target: under 3 s; harness overhead at most 10 %.
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { startLocalRedis } from '../dist/src/redis/local-server.js';
import { defaultPlan } from '../dist/src/plan/default-plan.js';
import { runLoadtest } from '../dist/src/synthetic/loadtest-run.js';

const JOBS = Number(process.env.BENCH_JOBS ?? 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const CONCURRENCY = 10;
const queues = defaultPlan().tiers.flatMap((tier) => tier.queues);
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function raw(url, prefix) {
  const connection = new Redis(url, { maxRetriesPerRequest: null });
  connection.on('error', () => undefined);
  const qs = queues.map((name) => new Queue(name, { connection, prefix }));
  let done = 0;
  let wake;
  const finished = new Promise((resolve) => (wake = resolve));
  const workers = queues.map((name) => {
    const worker = new Worker(name, async () => undefined, { connection, prefix, concurrency: CONCURRENCY });
    worker.on('completed', () => ++done >= JOBS && wake());
    return worker;
  });
  await Promise.all([...workers, ...qs].map((item) => item.waitUntilReady()));
  const started = performance.now();
  const adds = [];
  for (let start = 0; start < JOBS; start += 50 * qs.length) {
    qs.forEach((queue, q) => {
      const batch = [];
      for (let n = start + q; n < Math.min(JOBS, start + 50 * qs.length); n += qs.length) batch.push({ name: 'load', data: { t: Date.now() } });
      if (batch.length) adds.push(queue.addBulk(batch));
    });
  }
  await Promise.all(adds);
  await finished;
  const ms = performance.now() - started;
  await Promise.all(workers.map((worker) => worker.close()));
  await Promise.all(qs.map((queue) => queue.close()));
  await connection.quit();
  return ms;
}

async function harness(url, prefix) {
  const connection = new Redis(url, { maxRetriesPerRequest: null, connectionName: 'redis-migrate:cli:loadtest' });
  const sampler = new Redis(url, { connectionName: 'redis-migrate:cli:loadtest-sampler' });
  const result = await runLoadtest(connection, sampler, 'redis-migrate:cli:loadtest-sampler', {
    jobs: JOBS,
    queues,
    concurrency: CONCURRENCY,
    prefix,
    deadlineMs: 60_000,
    connectionName: 'redis-migrate:cli:loadtest',
  });
  await connection.quit();
  await sampler.quit();
  if (result.completed !== JOBS) throw new Error(`harness completed ${result.completed}/${JOBS}`);
  return result;
}

const server = await startLocalRedis();
const admin = new Redis(server.url);
try {
  const rawMs = [];
  const harnessMs = [];
  const results = [];
  await raw(server.url, 'warmup-raw');
  await harness(server.url, 'warmup-h');
  for (let round = 0; round < ROUNDS; round++) {
    await admin.flushall();
    // Alternate the order so neither side always runs on a warmer server.
    if (round % 2 === 0) {
      rawMs.push(await raw(server.url, `raw${round}`));
      await admin.flushall();
      const r = await harness(server.url, `h${round}`);
      harnessMs.push(r.durationMs);
      results.push(r);
    } else {
      const r = await harness(server.url, `h${round}`);
      harnessMs.push(r.durationMs);
      results.push(r);
      await admin.flushall();
      rawMs.push(await raw(server.url, `raw${round}`));
    }
  }
  // Interference from other work only ever adds time: the best of N is the cleanest comparison,
  // the median of per-round ratios (each pair ran back to back) the fairest under load.
  const best = (values) => Math.min(...values);
  const ratios = rawMs.map((raw, i) => harnessMs[i] / raw);
  const last = results.at(-1);
  console.log(`machine: ${cpus().length} x ${cpus()[0]?.model ?? '?'}, node ${process.version}, load average ${loadavg()[0].toFixed(1)}`);
  console.log(`jobs ${JOBS} over ${queues.length} queues, concurrency ${CONCURRENCY}, ${ROUNDS} rounds (enqueue start to last completion)`);
  console.log(`raw BullMQ     : best ${best(rawMs).toFixed(0)} ms, median ${median(rawMs).toFixed(0)} ms  (all: ${rawMs.map((v) => v.toFixed(0)).join(', ')})`);
  console.log(`harness        : best ${best(harnessMs).toFixed(0)} ms, median ${median(harnessMs).toFixed(0)} ms  (all: ${harnessMs.join(', ')})`);
  console.log(
    `overhead       : best vs best ${(((best(harnessMs) - best(rawMs)) / best(rawMs)) * 100).toFixed(1)} %, median of paired ratios ${((median(ratios) - 1) * 100).toFixed(1)} % (target <= 10 %)`,
  );
  console.log(
    `harness report : ${last.throughput} jobs/s, p50 ${last.latencyMs.p50} ms, p95 ${last.latencyMs.p95} ms, p99 ${last.latencyMs.p99} ms, peak ${last.peakConnections.loadtest} connections, ${last.commands.perJob} commands/job`,
  );

  await admin.flushall();
  const bin = fileURLToPath(new URL('../bin/redis-migrate.js', import.meta.url));
  const t0 = performance.now();
  const cli = spawnSync(process.execPath, [bin, 'loadtest', '--jobs', String(JOBS), '--json', '--redis-url', server.url], { encoding: 'utf8' });
  const cliMs = performance.now() - t0;
  const { result: report } = JSON.parse(cli.stdout);
  console.log(
    `CLI end to end : ${cliMs.toFixed(0)} ms wall for \`redis-migrate loadtest --jobs ${JOBS}\` (process start to exit; run ${report.durationMs} ms, exit ${cli.status}) (target < 3000 ms)`,
  );
} finally {
  await admin.quit();
  await server.stop();
}
