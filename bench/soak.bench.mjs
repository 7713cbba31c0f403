// soak: the zero-loss scenario, longer and harder. An API process produces at a high rate while
// three worker processes compete; the CLI flips every tier, rolls back, re-flips, rolls one tier
// back and forward; mid-flip one worker is killed with SIGKILL and replaced, and another is
// restarted gracefully (SIGTERM). Every job id and repeatable tick is accounted for.
import { execFile } from 'node:child_process';
import { cpus } from 'node:os';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { startLocalRedis } from '../dist/src/redis/local-server.js';
import { defaultPlanDocument } from '../dist/src/plan/default-plan.js';
import { Ledger } from '../dist/examples/fleet/ledger.js';
import { forkFleet } from '../dist/examples/fleet/supervisor.js';
import { backlogCount } from '../dist/src/adapters/queues/backlog.js';

const RATE = Number(process.env.SOAK_RATE ?? 300);
const STEP_MS = Number(process.env.SOAK_STEP_MS ?? 6000);
const TICK_MS = 2000;
const bin = fileURLToPath(new URL('../bin/redis-migrate.js', import.meta.url));
const run = promisify(execFile);

const server = await startLocalRedis();
const dir = mkdtempSync(join(tmpdir(), 'soak-'));
const plan = defaultPlanDocument();
for (const tier of plan.tiers) {
  tier.soak = '3s';
  delete tier.watch;
}
const planPath = join(dir, 'redis-migrate.config.json');
writeFileSync(planPath, JSON.stringify(plan));
const ledger = new Ledger(TICK_MS);
const env = {
  REDIS_URL: server.url,
  REDIS_MIGRATE_CONFIG: planPath,
  FLEET_HEARTBEAT_MS: '1000',
  FLEET_DRAIN_SETTLE_MS: '500',
  FLEET_DRAIN_WATCH_MS: '10000',
  FLEET_LOCK_MS: '5000',
  FLEET_STALLED_MS: '5000',
  FLEET_CONCURRENCY: '8',
};
const children = [];
const spawn = (name, extra) => {
  const child = forkFleet({ name, env: { ...env, ...extra }, ledger });
  children.push(child);
  return child;
};
const cli = async (...args) => {
  const started = performance.now();
  const { stdout } = await run(process.execPath, [bin, ...args, '--yes', '--json', '--wait', '3s', '--redis-url', server.url, '--config', planPath], {
    env: { ...process.env, REDIS_MIGRATE_ACTOR: 'soak' },
  });
  const { result: report } = JSON.parse(stdout);
  return { ms: Math.round(performance.now() - started), confirmed: `${report.confirmations.confirmed}/${report.confirmations.live}` };
};
const until = async (check, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!check() && Date.now() < deadline) await sleep(10);
};
const line = (text) => console.log(`${((performance.now() - t0) / 1000).toFixed(1).padStart(6)} s  ${text}`);
const status = () => {
  const s = ledger.summary();
  return `produced ${s.produced} (bull ${s.bySystem.bull.produced}, bullmq ${s.bySystem.bullmq.produced}), processed ${s.processed}, outstanding ${s.outstanding}, duplicates ${s.duplicates}`;
};

const t0 = performance.now();
try {
  const api = spawn('api', { FLEET_ROLES: 'produce,schedule', FLEET_RATE: String(RATE) });
  const workers = ['w1', 'w2', 'w3'].map((name) => spawn(name, { FLEET_ROLES: 'work', FLEET_RATE: '0' }));
  await Promise.all(children.map((child) => child.ready));
  line(`fleet up: api at ${RATE} jobs/s, 3 workers`);
  await sleep(STEP_MS);
  const steps = [
    ['phase2', '--tier', 'non-critical'],
    ['phase2', '--tier', 'medium'],
    ['phase2', '--tier', 'critical'],
    ['rollback', '--reason', 'soak'],
    ['phase2', '--tier', 'non-critical'],
    ['rollback', '--tier', 'medium', '--reason', 'soak'],
    ['phase2', '--tier', 'medium'],
    ['rollback', '--tier', 'critical', '--reason', 'soak'],
    ['phase2', '--tier', 'critical'],
  ];
  let killed = 0;
  let restarted = 0;
  for (const [index, step] of steps.entries()) {
    const flip = cli(...step);
    if (index === 1) {
      // Mid-flip: once w2 has started its BullMQ medium workers (Bull ones still draining), SIGKILL it
      // (its active jobs stall and are retried by the others), then replace it.
      await until(() => workers[1].lanes.includes('bullmq:adaptive-sync'));
      await workers[1].kill();
      killed++;
      line(`w2 killed (SIGKILL) during the medium flip, lanes running: ${workers[1].lanes.length}`);
      await sleep(1500);
      workers[1] = spawn('w2b', { FLEET_ROLES: 'work', FLEET_RATE: '0' });
      await workers[1].ready;
      line('w2b started in its place');
    }
    if (index === 4) {
      // Mid-flip: once w1 runs BullMQ workers again, restart it gracefully (SIGTERM lets its active jobs finish).
      await until(() => workers[0].lanes.some((lane) => lane.startsWith('bullmq:')));
      const code = await workers[0].stop();
      restarted++;
      line(`w1 stopped gracefully (exit ${code}) during the re-flip`);
      workers[0] = spawn('w1b', { FLEET_ROLES: 'work', FLEET_RATE: '0' });
      await workers[0].ready;
      line('w1b started in its place');
    }
    const { ms, confirmed } = await flip;
    line(`${step.join(' ')}: ${ms} ms, ${confirmed} instances confirmed; ${status()}`);
    await sleep(STEP_MS);
  }
  api.setRate(0);
  const stopAt = performance.now();
  const deadline = Date.now() + 60_000;
  while (ledger.summary().outstanding > 0 && Date.now() < deadline) await sleep(250);
  line(`producing stopped; backlog processed in ${((performance.now() - stopAt) / 1000).toFixed(1)} s`);
  await sleep(TICK_MS + 500);
  const codes = await Promise.all(children.map((child) => child.stop()));
  const admin = new Redis(server.url);
  let leftBull = 0;
  let leftBullmq = 0;
  for (const tier of plan.tiers) {
    for (const queue of tier.queues) {
      leftBull += await backlogCount(admin, 'bull', 'bull', queue);
      leftBullmq += await backlogCount(admin, 'bullmq', 'bullmq', queue);
    }
  }
  await admin.quit();
  const s = ledger.summary();
  const seconds = (performance.now() - t0) / 1000;
  console.log('');
  console.log(`machine: ${cpus().length} x ${cpus()[0]?.model ?? '?'}, node ${process.version}`);
  console.log(
    `duration ${seconds.toFixed(0)} s, rate ${RATE} jobs/s, ${steps.length} CLI changes, ${killed} SIGKILL + ${restarted} graceful worker restart mid-flip`,
  );
  console.log(`produced      ${s.produced} (bull ${s.bySystem.bull.produced}, bullmq ${s.bySystem.bullmq.produced}), add failures ${s.addFailures}`);
  console.log(`processed     ${s.processed}`);
  console.log(`lost          ${s.outstanding}${s.outstanding ? `  e.g. ${ledger.outstandingIds(5).join(', ')}` : ''}`);
  console.log(`duplicates    ${s.duplicates}  (jobs processed twice: only a SIGKILLed worker's in-flight jobs can be, by at-least-once design)`);
  console.log(`left in Redis bull ${leftBull}, bullmq ${leftBullmq} (bullmq counts the repeatables' next scheduled ticks: ${s.repeatables.length})`);
  for (const r of s.repeatables) {
    console.log(
      `repeatable    ${r.queue}: ${r.ticks} ticks (bull ${r.bySystem.bull}, bullmq ${r.bySystem.bullmq}), fired twice ${r.doubleFired.length}, missing ${r.gaps.length}, skipped by the library (previous tick ran late) ${r.skippedLate.length}, last on ${r.lastSystem}`,
    );
  }
  console.log(`exit codes    ${children.map((child, i) => `${child.name} ${codes[i] ?? 'killed'}`).join(', ')}`);
  for (const [i, child] of children.entries()) {
    const errors = child.logs.filter((entry) => entry.startsWith('error:'));
    if ((codes[i] !== 0 && codes[i] !== null) || errors.length) console.log(`${child.name} log:\n  ${[...errors, ...child.logs.slice(-10)].join('\n  ')}`);
  }
  process.exitCode = s.outstanding === 0 && leftBull === 0 ? 0 : 1;
} finally {
  await Promise.all(children.map((child) => child.kill()));
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
