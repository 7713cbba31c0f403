// connections: the demo's two walks measured twice: with the fleet's cache and rate limiters moved
// to HTTP by phase 1 (the serve-http bridge, as the demo runs), and kept on TCP (no endpoint).
// Connections classified by src/observe, beside the plan's connection budget for a topology
// describing the fleet processes.
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { startLocalRedis } from '../dist/src/redis/local-server.js';
import { DemoWorld } from '../dist/src/demo/world.js';
import { walkMain, walkMerged } from '../dist/src/demo/walk.js';
import { startHttpEndpoint } from '../dist/src/demo/http-endpoint.js';
import { Ledger } from '../dist/examples/fleet/ledger.js';

const quiet = new Writable({ write: (_c, _e, cb) => cb() });
const server = await startLocalRedis();
const client = new Redis(server.url, { connectionName: 'redis-migrate:cli:bench' });
const io = { stdout: quiet, stderr: quiet, env: process.env, interactive: false, cwd: process.cwd() };
const rows = [];
let agree = 0;
const http = await startHttpEndpoint(server.url);
try {
  for (const [label, kv] of [
    ['phase 1 moves cache/limiters to HTTP', 'http'],
    ['cache/limiters stay on TCP', 'tcp'],
  ]) {
    for (const [topology, walk] of [
      ['single', walkMain],
      ['split', walkMerged],
    ]) {
      const world = new DemoWorld(
        { label: `b${rows.length}`, topology, kv, redisUrl: server.url, local: server, http: kv === 'http' ? http : undefined, soak: '1s', io },
        client,
      );
      try {
        const steps = await walk({ log: () => undefined, world, ledger: new Ledger(2000), rate: '40', started: Date.now() });
        for (const step of steps) {
          if (step.measured.app === step.predicted.total) agree++;
          const per =
            Object.keys(step.processes).length > 1
              ? Object.entries(step.processes)
                  .map(([n, p]) => `${n} ${p.measured.app} (${p.predicted})`)
                  .join(', ')
              : '';
          const name = topology === 'single' ? 'one process, one BullMQ queue per queue' : 'API process + worker process, merged BullMQ queue';
          rows.push(
            `| ${label} | ${name} | ${step.command === '-' ? 'baseline' : step.command} | ${step.onBullmq}/11 | **${step.measured.app}** | ${step.predicted.total} (${step.predicted.step}) | ${per} |`,
          );
        }
      } finally {
        await world.cleanup();
      }
    }
  }
  console.log('| stores | topology | step | queues on BullMQ | measured | plan predicts | per process (plan) |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const row of rows) console.log(row);
  console.log(`\nmeasured = predicted at ${agree} of ${rows.length} steps`);
} finally {
  await http.stop();
  await client.quit();
  await server.stop();
}
