// Flag propagation: time from the flip's write to the moment the last of 100 SDK instances has applied
// it (in-process 'change' events), and to the last acknowledgement the CLI receives. 60 flips.
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
  await Promise.all([admin.quit(), acks.quit()]);
});
