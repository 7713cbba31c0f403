// queues-overhead: the cost of redis-migrate/queues over raw BullMQ, side by side in one run. The
// plan's 11 queues on one shared connection, one Worker per queue (concurrency 8), N jobs added one
// add() at a time with the same options. Raw: BullMQ's Queue and Worker. Adapter: migratingQueues
// with every queue on BullMQ (the flags SDK serving USE_BULLMQ from its environment).
// Two measurements per round:
//  - alone: raw, then the adapter (order alternating), each timed from its first add to its last
//    completion, with this process's CPU time per job;
//  - together: both at once in this process on their own prefixes, adds queued together, so both see
//    the same machine at the same moment (the shared machine's load moves single runs by 2-4x);
//    the adapter's time to finish over raw's is its overhead.
// Target: adapter throughput within 5 % of raw.
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
const pct = (value) => `${value >= 0 ? '+' : ''}${value.toFixed(1)} %`;

/** A side under test: add(queue, n) and a completion count, warmed up (one job per queue done). */
async function rawSide(url, prefix) {
  const connection = new Redis(url, { maxRetriesPerRequest: null });
  const qs = new Map(queues.map((name) => [name, new Queue(name, { connection, prefix })]));
  const workers = queues.map((name) => new Worker(name, async () => 'ok', { connection, prefix, concurrency: CONCURRENCY }));
  const side = counter((name, n) => qs.get(name).add('job', { n }, OPTIONS));
  for (const worker of workers) worker.on('completed', side.completed);
  side.close = async () => {
    await Promise.all(workers.map((w) => w.close()));
    await Promise.all([...qs.values()].map((q) => q.close()));
    await connection.quit();
  };
  await side.run(queues.length);
  return side;
}

async function adapterSide(url, prefix) {
  const connection = new Redis(url, { maxRetriesPerRequest: null });
  const env = { USE_BULLMQ: 'true', BULLMQ_TIERS: plan.tiers.map((tier) => tier.name).join(',') };
  const flags = await connectFlags({ app: 'bench', redis: connection, namespace: `${prefix}-ns`, env });
  const mq = migratingQueues({ flags, bull: { prefix: `${prefix}-legacy` }, bullmq: { prefix, connection } });
  const side = counter((name, n) => mq.get(name).add('job', { n }, OPTIONS));
  for (const name of queues) {
    await mq.get(name).process(async () => 'ok', { concurrency: CONCURRENCY });
    mq.get(name).on('completed', side.completed);
  }
  side.close = async () => {
    await mq.close();
    await flags.close();
    await connection.quit();
  };
  await side.run(queues.length);
  return side;
}

/** Counts completions; run(jobs) adds that many round-robin and resolves with the time to the last completion. */
function counter(add) {
  let done = 0;
  let target = 0;
  let wake = () => undefined;
  const side = {
    completed: () => {
      if (++done === target) wake();
    },
    /** Issues every add before its first await (so two sides started together queue theirs together). */
    async run(jobs) {
      done = 0;
      target = jobs;
      const finished = new Promise((resolve) => (wake = resolve));
      const started = performance.now();
      const adds = [];
      for (let n = 0; n < jobs; n++) {
        adds.push(add(queues[n % queues.length], n));
      }
      await Promise.all(adds);
      await finished;
      return performance.now() - started;
    },
  };
  return side;
}

async function alone(url, round, jobs) {
  const out = {};
  for (const kind of round % 2 === 0 ? ['raw', 'adapter'] : ['adapter', 'raw']) {
    const side = kind === 'raw' ? await rawSide(url, `r${round}`) : await adapterSide(url, `a${round}`);
    const cpu = process.cpuUsage();
    const ms = await side.run(jobs);
    const used = process.cpuUsage(cpu);
    out[kind] = { ms, cpuUs: (used.user + used.system) / jobs };
    await side.close();
  }
  return out;
}

async function together(url, round, jobs) {
  const raw = await rawSide(url, `tr${round}`);
  const adapter = await adapterSide(url, `ta${round}`);
  // Both started in the same turn; which one queues its adds first alternates by round.
  const [first, second] = round % 2 === 0 ? [raw, adapter] : [adapter, raw];
  const [firstMs, secondMs] = await Promise.all([first.run(jobs), second.run(jobs)]);
  await raw.close();
  await adapter.close();
  return first === raw ? { raw: firstMs, adapter: secondMs } : { raw: secondMs, adapter: firstMs };
}

const server = await startLocalRedis();
const admin = new Redis(server.url);
console.log(
  `machine: ${cpus().length} x ${cpus()[0]?.model ?? '?'}, node ${process.version}, load average at start ${loadavg()
    .map((n) => n.toFixed(1))
    .join(' ')}`,
);
try {
  await alone(server.url, 0, 500);
  for (const jobs of SIZES) {
    const rows = [];
    for (let round = 0; round < ROUNDS; round++) {
      await admin.flushall();
      const a = await alone(server.url, round, jobs);
      await admin.flushall();
      const t = await together(server.url, round, jobs);
      rows.push({ a, t });
    }
    const rate = (ms) => Math.round((jobs / ms) * 1000);
    const rawAlone = rows.map((r) => r.a.raw.ms);
    const adapterAlone = rows.map((r) => r.a.adapter.ms);
    console.log(
      `${jobs} jobs x ${ROUNDS} rounds, alone: raw best ${rate(Math.min(...rawAlone))} / median ${rate(median(rawAlone))} jobs/s, ` +
        `adapter best ${rate(Math.min(...adapterAlone))} / median ${rate(median(adapterAlone))} jobs/s, ` +
        `adapter time over raw (median of paired rounds) ${pct((median(rows.map((r) => r.a.adapter.ms / r.a.raw.ms)) - 1) * 100)}; ` +
        `client CPU per job median raw ${median(rows.map((r) => r.a.raw.cpuUs)).toFixed(0)} µs, adapter ${median(rows.map((r) => r.a.adapter.cpuUs)).toFixed(0)} µs`,
    );
    const ratios = rows.map((r) => r.t.adapter / r.t.raw);
    console.log(
      `${jobs} jobs x ${ROUNDS} rounds, together: adapter time over raw per round ${ratios.map((x) => pct((x - 1) * 100)).join(', ')}; ` +
        `median ${pct((median(ratios) - 1) * 100)} (load ${loadavg()[0].toFixed(1)})`,
    );
  }
} finally {
  await admin.quit();
  await server.stop();
}
