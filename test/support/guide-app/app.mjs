#!/usr/bin/env node
// A small app written from docs/app-integration.md alone (not from examples/fleet): 11 queues through
// redis-migrate/queues, an API role that adds jobs at a steady rate and owns one repeatable per
// tier, and a worker role that processes every queue. It tells its parent (over IPC) what it added,
// started, finished and which repeat ticks it ran; each report is handed to the OS before the job
// goes on, so the parent can tell which jobs were active in a process it killed.
import { connectFlags } from 'redis-migrate/flags';
import { migratingQueues } from 'redis-migrate/queues';

const QUEUES = {
  'non-critical': ['webhook-health-check', 'notification-reminder', 'token-health-reminder'],
  medium: ['adaptive-sync', 'webhook-renewal', 'suggestion-regeneration', 'batch-notifications', 'suggestion-generation'],
  critical: ['token-refresh', 'calendar-sync', 'google-contacts-sync'],
};
const names = Object.values(QUEUES).flat();
const role = process.env.GUIDE_ROLE;
const app = process.env.GUIDE_NAME;
const rate = Number(process.env.GUIDE_RATE ?? 0);
const redisUrl = process.env.REDIS_URL;

const send = (message) => new Promise((resolve) => (process.connected ? process.send({ ...message, from: app }, undefined, {}, () => resolve()) : resolve()));

const flags = await connectFlags({ app, redisUrl, heartbeatMs: 1000 });
const queues = migratingQueues({
  flags,
  redisUrl,
  name: `guide:${app}`,
  topology: process.env.GUIDE_TOPOLOGY === 'merged' ? { merged: 'guide-jobs' } : 'per-queue',
  // Short locks and stall checks: a killed worker's jobs run again within seconds (not so short that a
  // busy machine's pauses make a live worker lose its locks: then the library runs its jobs twice).
  worker: { lockDuration: 8000, stalledInterval: 1000 },
  drain: { pollMs: 100, settleMs: 300, watchMs: 10_000 },
});
queues.on('error', (error) => void send({ type: 'log', message: error.message }));
queues.on('worker', () => void send({ type: 'workers', workers: queues.workers() }));

let producer;
if (role === 'worker') {
  for (const queue of names) {
    queues.get(queue).process(
      async (job) => {
        if (job.repeatTick !== undefined) {
          await send({ type: 'tick', queue, name: job.name, side: job.side, tick: job.repeatTick, at: Date.now() });
          return 'tick';
        }
        await send({ type: 'started', id: job.data.id, side: job.side });
        await new Promise((resolve) => setTimeout(resolve, 20));
        await send({ type: 'done', id: job.data.id, queue, side: job.side, at: Date.now() });
        return 'done';
      },
      { concurrency: 4 },
    );
  }
}
if (role === 'api') {
  for (const tier of Object.values(QUEUES)) await queues.get(tier[0]).repeat('refresh', { pattern: '* * * * * *' }, { tier: true });
  let n = 0;
  const inFlight = new Set();
  const started = Date.now();
  const timer = setInterval(() => {
    while (n < ((Date.now() - started) / 1000) * rate) {
      const queue = names[n % names.length];
      const id = `${app}-${started}-${++n}`;
      const adding = queues
        .get(queue)
        .add('work', { id }, { jobId: id, attempts: 3, backoff: 100, removeOnComplete: 1000 })
        .then(
          (job) => send({ type: 'produced', id, queue, side: job.side }),
          (error) => send({ type: 'add-failed', message: error.message }),
        );
      inFlight.add(adding);
      void adding.finally(() => inFlight.delete(adding));
    }
  }, 10);
  producer = async () => {
    clearInterval(timer);
    await Promise.allSettled([...inFlight]);
  };
}

let stopping = false;
async function shutdown() {
  if (stopping) return;
  stopping = true;
  await producer?.();
  await queues.close();
  await flags.close();
  await send({ type: 'stopped' });
  process.disconnect?.();
}
process.on('SIGTERM', () => void shutdown());
process.on('message', (message) => {
  if (message.type === 'stop-producing') void producer?.().then(() => send({ type: 'producing-stopped' }));
});
await send({ type: 'workers', workers: queues.workers() });
await send({ type: 'ready' });
