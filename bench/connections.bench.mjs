// connections: the demo's walks measured twice, with the fleet's cache and rate limiters on TCP (as
// the demo runs) and without them (FLEET_KV=0: what phase 1 leaves once they are on HTTP; stands in
// until the HTTP bridge is in the build). Prints the measured table beside the model's prediction.
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
const ctx = { log: () => undefined };
const rows = [];
try {
  for (const [label, fleetEnv] of [['cache/limiters on TCP', {}], ['cache/limiters off (FLEET_KV=0)', { FLEET_KV: '0' }]]) {
    for (const [topology, walk] of [['one process, one BullMQ queue per queue', walkMain], ['API process + worker process, merged BullMQ queue', walkMerged]]) {
      const world = new DemoWorld({ label: `b${rows.length}`, redisUrl: server.url, local: server, http: undefined, soak: '1s', io }, client);
      try {
        const steps = await walk({ ctx, world, ledger: new Ledger(2000), rate: '40', started: Date.now(), http: false, fleetEnv });
        for (const step of steps) {
          const per = Object.keys(step.byProcess).length > 1 ? Object.entries(step.byProcess).map(([n, c]) => `${n} ${c.total}`).join(', ') : '';
          rows.push(`| ${label} | ${topology} | ${step.command === '-' ? 'baseline' : step.command} | ${step.onBullmq}/11 | **${step.measured.total}** | ${step.predicted.total} | ${per} |`);
        }
      } finally {
        await world.cleanup();
      }
    }
  }
  console.log('| stores | topology | step | queues on BullMQ | measured | predicted | per process |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const row of rows) console.log(row);
} finally {
  await client.quit();
  await server.stop();
}
