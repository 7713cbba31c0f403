// queues-overhead: the cost of redis-migrate/queues over raw BullMQ, side by side in one run. The
// plan's 11 queues on one shared connection, one Worker per queue (concurrency 8), N jobs added one
// add() at a time with the same options, timed from the first add to the last completion. Raw:
// BullMQ's Queue and Worker. Adapter: migratingQueues with every queue on BullMQ (the flags SDK
// serving USE_BULLMQ from its environment). Rounds alternate, so neither side always runs on a
// warmer server. Also this process's CPU time per job (client side: adds, workers, the adapter), which
// a loaded machine disturbs less than wall time. Target: adapter throughput within 5 % of raw.
//   node bench/run.mjs queues-overhead          (BENCH_JOBS=1000,10000 BENCH_ROUNDS=7)
import { cpus, loadavg } from 'node:os';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { connectFlags } from '../dist/src/flags/index.js';
import { migratingQueues } from '../dist/src/adapters/queues/index.js';
import { defaultPlan } from '../dist/src/plan/default-plan.js';
import { startLocalRedis } from '../dist/src/redis/local-server.js';

const SIZES = (process.env.BENCH_JOBS ?? '1000,10000').split(',').map(Number);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const CONCURRENCY = 8;
const OPTIONS = { attempts: 3, backoff: { type: 'fixed', delay: 100 }, removeOnComplete: 1000 };
const plan = defaultPlan();
const queues = plan.tiers.flatMap((tier) => tier.queues);
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Adds `jobs` jobs round-robin, one add() each, and resolves when `completed()` has seen them all. */
async function drive(jobs, add, onCompleted) {
  let done = 0;
  let wake;
  const finished = new Promise((resolve) => (wake = resolve));
  onCompleted(() => ++done >= jobs && wake());
  const started = performance.now();
  const cpu = process.cpuUsage();
  const adds = [];
  for (let n = 0; n < jobs; n++) adds.push(add(queues[n % queues.length], n));
  await Promise.all(adds);
  await finished;
  const used = process.cpuUsage(cpu);
  return { ms: performance.now() - started, cpuUs: (used.user + used.system) / jobs };
}

async function raw(url, prefix, jobs) {
  const connection = new Redis(url, { maxRetriesPerRequest: null });
  const qs = new Map(queues.map((name) => [name, new Queue(name, { connection, prefix })]));
  const workers = queues.map((name) => new Worker(name, async () => 'ok', { connection, prefix, concurrency: CONCURRENCY }));
  // Warm-up: one job per queue through every worker before the clock starts.
  await drive(queues.length, (name, n) => qs.get(name).add('job', { n }, OPTIONS), (cb) => workers.forEach((w) => w.on('completed', cb)));
  workers.forEach((w) => w.removeAllListeners('completed'));
  const result = await drive(jobs, (name, n) => qs.get(name).add('job', { n }, OPTIONS), (cb) => workers.forEach((w) => w.on('completed', cb)));
  await Promise.all(workers.map((w) => w.close()));
  await Promise.all([...qs.values()].map((q) => q.close()));
  await connection.quit();
  return result;
}

async function adapter(url, prefix, jobs) {
  const connection = new Redis(url, { maxRetriesPerRequest: null });
  const env = { USE_BULLMQ: 'true', BULLMQ_TIERS: plan.tiers.map((tier) => tier.name).join(',') };
  const flags = await connectFlags({ app: 'bench', redis: connection, namespace: `${prefix}-ns`, env });
  const mq = migratingQueues({ flags, bull: { prefix: `${prefix}-legacy` }, bullmq: { prefix, connection } });
  for (const name of queues) await mq.get(name).process(async () => 'ok', { concurrency: CONCURRENCY });
  const each = (cb) => queues.forEach((name) => mq.get(name).on('completed', cb));
  await drive(queues.length, (name, n) => mq.get(name).add('job', { n }, OPTIONS), each);
  queues.forEach((name) => mq.get(name).removeAllListeners('completed'));
  const result = await drive(jobs, (name, n) => mq.get(name).add('job', { n }, OPTIONS), each);
  await mq.close();
  await flags.close();
  await connection.quit();
  return result;
}

const server = await startLocalRedis();
const admin = new Redis(server.url);
console.log(`machine: ${cpus().length} x ${cpus()[0]?.model ?? '?'}, node ${process.version}, load average at start ${loadavg().map((n) => n.toFixed(1)).join(' ')}`);
try {
  await raw(server.url, 'warm-raw', 500);
  await adapter(server.url, 'warm-adapter', 500);
  for (const jobs of SIZES) {
    const rawMs = [];
    const adapterMs = [];
    const ratios = [];
    const cpu = { raw: [], adapter: [] };
    for (let round = 0; round < ROUNDS; round++) {
      await admin.flushall();
      const pair = {};
      // Alternate which goes first.
      for (const side of round % 2 === 0 ? ['raw', 'adapter'] : ['adapter', 'raw']) {
        pair[side] = side === 'raw' ? await raw(server.url, `r${round}`, jobs) : await adapter(server.url, `a${round}`, jobs);
        await admin.flushall();
      }
      rawMs.push(pair.raw.ms);
      adapterMs.push(pair.adapter.ms);
      ratios.push(pair.raw.ms / pair.adapter.ms);
      cpu.raw.push(pair.raw.cpuUs);
      cpu.adapter.push(pair.adapter.cpuUs);
    }
    const rate = (ms) => Math.round((jobs / ms) * 1000);
    const overhead = (1 / median(ratios) - 1) * 100;
    console.log(
      `${jobs} jobs x ${ROUNDS} rounds: raw BullMQ best ${rate(Math.min(...rawMs))} / median ${rate(median(rawMs))} jobs/s; ` +
        `adapter best ${rate(Math.min(...adapterMs))} / median ${rate(median(adapterMs))} jobs/s; ` +
        `adapter time over raw, median of paired rounds: ${overhead >= 0 ? '+' : ''}${overhead.toFixed(1)} %, best vs best: ${((Math.min(...adapterMs) / Math.min(...rawMs) - 1) * 100).toFixed(1)} %` +
        `; client CPU per job median raw ${median(cpu.raw).toFixed(0)} µs, adapter ${median(cpu.adapter).toFixed(0)} µs (${((median(cpu.adapter) / median(cpu.raw) - 1) * 100).toFixed(1)} %)` +
        ` (load ${loadavg()[0].toFixed(1)})`,
    );
  }
} finally {
  await admin.quit();
  await server.stop();
}
