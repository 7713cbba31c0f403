// Flag propagation: time from the flip's write to the moment the last of 100 SDK instances has applied
// it, and to the last acknowledgement the flipper receives. 60 flips each in two layouts: all 100
// instances in one process (one event loop handles every message: the pessimistic case), and 100
// spread over 4 processes (as apps run), timed with a wall clock shared by the processes.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { connectFlags } from '../dist/src/flags/index.js';
import { applyFlagChange } from '../dist/src/state/flag-store.js';
import { stateKeys } from '../dist/src/state/keys.js';
import { machine, summary, withRedis } from './support.mjs';

const INSTANCES = Number(process.env.INSTANCES ?? 100);
const FLIPS = Number(process.env.FLIPS ?? 60);

await withRedis(async (server) => {
  const namespace = 'bench-propagation';
  const keys = stateKeys(namespace);
  const admin = new Redis(server.url, { protocol: 2 });
  const acks = new Redis(server.url, { protocol: 2 });
  const clients = [];
  for (let i = 0; i < INSTANCES; i++) {
    clients.push(await connectFlags({ app: `bench-${i % 4}`, redisUrl: server.url, namespace, env: {}, heartbeatMs: 5000 }));
  }
  let round = null;
  for (const client of clients) {
    client.on('change', ({ version }) => {
      if (round && version === round.version) {
        round.applied.push(performance.now());
        if (round.applied.length === INSTANCES && round.acked.length === INSTANCES) round.done();
      }
    });
  }
  acks.on('message', (_channel, text) => {
    const { version } = JSON.parse(text);
    if (round && version === round.version) {
      round.acked.push(performance.now());
      if (round.applied.length === INSTANCES && round.acked.length === INSTANCES) round.done();
    }
  });
  await acks.subscribe(keys.acks);

  const applied = [];
  const acknowledged = [];
  for (let flip = 0; flip < FLIPS; flip++) {
    const finished = new Promise((resolve) => (round = { version: flip + 1, applied: [], acked: [], done: resolve }));
    const started = performance.now();
    await applyFlagChange(admin, keys, { actor: 'bench', command: 'bench', kind: 'flip', changes: { useBullmq: flip % 2 === 0 ? 'true' : 'false' } });
    await finished;
    applied.push(Math.max(...round.applied) - started);
    acknowledged.push(Math.max(...round.acked) - started);
    await new Promise((r) => setTimeout(r, 20));
  }
  console.log(`machine: ${machine()}; redis-server on loopback; ${INSTANCES} SDK instances in one process; ${FLIPS} flips`);
  console.log('flip → last instance applied (ms):', JSON.stringify(summary(applied)));
  console.log('flip → last acknowledgement received by the flipper (ms):', JSON.stringify(summary(acknowledged)));
  await Promise.all(clients.map((client) => client.close()));
  await acks.quit();

  // The same spread over processes (default 4 × 25), and, as a floor, plain ioredis subscribers in the
  // same layout: what waking that many processes costs on this machine without the SDK.
  const PROCESSES = Number(process.env.PROCESSES ?? 4);
  async function spreadRun(script, args, flip) {
    const children = [];
    let round = null;
    for (let i = 0; i < PROCESSES; i++) {
      const child = fork(fileURLToPath(new URL(script, import.meta.url)), [server.url, ...args, String(INSTANCES / PROCESSES)]);
      await new Promise((resolve) => child.once('message', resolve));
      child.on('message', ({ version, at }) => {
        if (round && version === round.version) {
          round.applied.push(at);
          if (round.applied.length === INSTANCES) round.done();
        }
      });
      children.push(child);
    }
    const latencies = [];
    for (let n = 0; n < FLIPS; n++) {
      const finished = new Promise((resolve) => (round = { version: n + 1, applied: [], done: resolve }));
      const started = performance.timeOrigin + performance.now();
      await flip(n);
      await finished;
      latencies.push(Math.max(...round.applied) - started);
      await new Promise((r) => setTimeout(r, 20));
    }
    for (const child of children) child.send('stop');
    await Promise.all(children.map((child) => new Promise((resolve) => child.once('exit', resolve))));
    return latencies;
  }
  const spreadKeys = stateKeys('bench-spread');
  const sdk = await spreadRun('./sdk-child.mjs', ['bench-spread'], (n) =>
    applyFlagChange(admin, spreadKeys, { actor: 'bench', command: 'bench', kind: 'flip', changes: { useBullmq: n % 2 === 0 ? 'true' : 'false' } }),
  );
  const raw = await spreadRun('./raw-sub-child.mjs', ['bench-raw'], (n) => admin.publish('bench-raw', String(n + 1)));
  console.log(`${INSTANCES} instances over ${PROCESSES} processes; ${FLIPS} flips; wall clock shared by the processes (timeOrigin + now)`);
  console.log('flip → last SDK instance applied (ms):', JSON.stringify(summary(sdk)));
  console.log('floor: PUBLISH → last plain ioredis subscriber received (ms):', JSON.stringify(summary(raw)));
  await admin.quit();
});
