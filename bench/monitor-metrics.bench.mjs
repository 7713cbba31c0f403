// monitor-metrics: what the monitor costs as a service. On a redis-server with nothing else
// connected: the monitor's own Redis commands per sample (counted by the server, INFO
// commandstats, against the monitor's own accounting), how long a sample takes, and how fast
// /metrics answers, with the default plan's 11 queues and 100 live SDK instances.
import { Redis } from 'ioredis';
import { summary, machine, withRedis } from './support.mjs';
import { defaultPlan } from '../dist/src/plan/default-plan.js';
import { stateKeys } from '../dist/src/state/keys.js';
import { reportInstance } from '../dist/src/state/instances.js';
import { openRedis } from '../dist/src/redis/connect.js';
import { runMonitor } from '../dist/src/monitor/loop.js';
import { MonitorMetrics } from '../dist/src/monitor/prometheus.js';
import { startMetricsServer } from '../dist/src/monitor/metrics-server.js';
import { parseCommandStats, parseInfo } from '../dist/src/observe/info.js';

const SAMPLES = Number(process.env.MONITOR_SAMPLES ?? 20);
const SCRAPES = Number(process.env.MONITOR_SCRAPES ?? 300);
const INTERVAL_MS = 250;

console.log(machine());
await withRedis(async (server) => {
  const plan = { ...defaultPlan(), namespace: 'bench' };
  const keys = stateKeys('bench');
  const admin = new Redis({ port: server.port, host: '127.0.0.1' });
  for (let i = 0; i < 100; i++) {
    await reportInstance(
      admin,
      keys,
      { id: `i${i}`, app: 'api', host: `h${i % 10}`, pid: i, version: 0, epoch: null, source: 'redis', killSwitch: false, heartbeatMs: 600_000, startedAt: 0 },
      false,
    );
  }
  const queues = plan.tiers.flatMap((tier) => tier.queues);
  const client = await openRedis({ url: server.url, name: 'redis-migrate:cli:monitor', timeoutMs: 5000 });
  const metrics = new MonitorMetrics(plan, 'bench', INTERVAL_MS);
  const http = await startMetricsServer({
    host: '127.0.0.1',
    port: 0,
    source: metrics,
    intervalMs: INTERVAL_MS,
    health: () => ({ lastIterationAt: Date.now(), startedAt: Date.now(), redisUp: true, samples: 0, failedSamples: 0 }),
  });

  const calls = async () => parseCommandStats(parseInfo(String(await admin.info('commandstats'))));
  const total = async () => Number(/total_commands_processed:(\d+)/.exec(String(await admin.info('stats')))[1]);
  // Warm-up: the first sample of a namespace initializes its readings and loads the scripts.
  await runMonitor({
    client,
    plan,
    keys,
    actor: 'bench',
    intervalMs: INTERVAL_MS,
    durationMs: INTERVAL_MS + 10,
    signal: new AbortController().signal,
    onTick: (tick) => metrics.update(tick),
  });
  const before = await calls();
  const totalBefore = await total();
  const took = [];
  const own = [];
  await runMonitor({
    client,
    plan,
    keys,
    actor: 'bench',
    intervalMs: INTERVAL_MS,
    durationMs: INTERVAL_MS * (SAMPLES - 1) + 10,
    signal: new AbortController().signal,
    onTick: (tick) => {
      metrics.update(tick);
      took.push(tick.tookMs);
      own.push(tick.ownCommands);
    },
  });
  const totalAfter = await total();
  const after = await calls();
  // The two INFO reads of this measurement itself are not the monitor's.
  const measured = (totalAfter - totalBefore - 2) / took.length;
  const byCommand = Object.entries(after)
    .map(([command, stat]) => [command, (stat.calls - (before[command]?.calls ?? 0) - (command === 'info' ? 2 : 0)) / took.length])
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1]);

  const scrape = [];
  let bytes = 0;
  for (let i = 0; i < SCRAPES; i++) {
    const started = performance.now();
    const text = await (await fetch(`${http.url}/metrics`)).text();
    scrape.push(performance.now() - started);
    bytes = text.length;
  }
  // The same without HTTP: what the exporter itself spends (prom-client serialization, default metrics).
  const serialize = [];
  for (let i = 0; i < SCRAPES; i++) {
    const started = performance.now();
    await metrics.metricsText();
    serialize.push(performance.now() - started);
  }
  await http.close();
  client.disconnect();
  admin.disconnect();

  console.log(`plan: ${queues.length} queues, 100 live SDK instances, ${took.length} samples`);
  console.log(`own Redis commands per sample, counted by the server: ${measured.toFixed(1)}; the monitor's own accounting: ${summary(own).p50}`);
  console.log(`  by command: ${byCommand.map(([command, n]) => `${command} ${n}`).join(', ')}`);
  console.log(`sample duration ms: ${JSON.stringify(summary(took))}`);
  console.log(`GET /metrics ms (${SCRAPES} scrapes, ${bytes} bytes): ${JSON.stringify(summary(scrape))}`);
  console.log(`serialization alone ms: ${JSON.stringify(summary(serialize))}`);
});
