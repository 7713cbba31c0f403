// connections: the demo's two walks measured twice, with the fleet's cache and rate limiters on TCP
// (as the demo runs) and without them (FLEET_KV=0: what phase 1 leaves once they are on HTTP; a
// stand-in until the HTTP bridge is in the build). Connections classified by src/observe, beside
// the plan's connection budget for a topology describing the fleet processes.
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { startLocalRedis } from '../dist/src/redis/local-server.js';
import { DemoWorld } from '../dist/src/demo/world.js';
import { walkMain, walkMerged } from '../dist/src/demo/walk.js';
import { Ledger } from '../dist/examples/fleet/ledger.js';

const quiet = new Writable({ write: (_c, _e, cb) => cb() });
const server = await startLocalRedis();
const client = new Redis(server.url, { connectionName: 'redis-migrate:cli:bench' });
const io = { stdout: quiet, stderr: quiet, env: process.env, interactive: false, cwd: process.cwd() };
const rows = [];
let agree = 0;
try {
  for (const [label, kv] of [['cache/limiters on TCP', 'tcp'], ['cache/limiters off (FLEET_KV=0)', 'none']]) {
    for (const [topology, walk] of [['single', walkMain], ['split', walkMerged]]) {
      const world = new DemoWorld({ label: `b${rows.length}`, topology, kv, redisUrl: server.url, local: server, http: undefined, soak: '1s', io }, client);
      try {
        const steps = await walk({ log: () => undefined, world, ledger: new Ledger(2000), rate: '40', started: Date.now() });
        for (const step of steps) {
          if (step.measured.app === step.predicted.total) agree++;
          const per = Object.keys(step.processes).length > 1 ? Object.entries(step.processes).map(([n, p]) => `${n} ${p.measured.app} (${p.predicted})`).join(', ') : '';
          const name = topology === 'single' ? 'one process, one BullMQ queue per queue' : 'API process + worker process, merged BullMQ queue';
          rows.push(`| ${label} | ${name} | ${step.command === '-' ? 'baseline' : step.command} | ${step.onBullmq}/11 | **${step.measured.app}** | ${step.predicted.total} (${step.predicted.step}) | ${per} |`);
        }
        rows.push(`| ${label} | ${topology === 'single' ? 'one process' : 'API + worker'} | after phase 3 (not run) | 11/11 | | ${world.budget.final} (final) | |`);
      } finally {
        await world.cleanup();
      }
    }
  }
  console.log('| stores | topology | step | queues on BullMQ | measured | plan predicts | per process (plan) |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const row of rows) console.log(row);
  console.log(`\nmeasured = predicted at ${agree} of ${rows.length - 4} steps`);
} finally {
  await client.quit();
  await server.stop();
}
