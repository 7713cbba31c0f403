/**
 * One fleet process: the plan's queues with producers, workers and repeatable jobs, driven through
 * `redis-migrate/queues` (which puts each queue on Bull or BullMQ as the flags say, switching live).
 * Shutdown order: producers stop, the queues close (active jobs finish), the flags client, then the
 * shared connection.
 */
import { migratingQueues, sharedConnection, type MigratingQueues } from '../../src/adapters/queues/index.js';
import { connectFlags } from '../../src/flags/index.js';
import { migratedFlags, type AppFlags } from './app-flags.js';
import { MERGED_QUEUE, type FleetOptions } from './config.js';
import { connectionPrefix, quit } from './connections.js';
import { EventReporter, type Send } from './events.js';
import { makeHandler, type JobData } from './handler.js';
import { openKv } from './kv.js';
import { Producer } from './producer.js';

/** Options of each repeatable's jobs. */
const TICK_OPTIONS = { removeOnComplete: 1000, removeOnFail: 1000 } as const;

export interface Fleet {
  readonly name: string;
  /** Workers (`bull:<queue>`, `bullmq:<queue>`) running now. */
  running(): string[];
  setRate(rate: number): void;
  /** Stop producing; resolves when the adds in flight have returned. */
  stopProducing(): Promise<void>;
  stop(): Promise<void>;
}

export async function startFleet(options: FleetOptions, send: Send): Promise<Fleet> {
  const { name, plan, roles } = options;
  const log = (level: 'info' | 'warn' | 'error', message: string) => void send({ type: 'log', from: name, level, message });
  const warn = (message: string) => log('warn', message);
  const names = plan.tiers.flatMap((tier) => tier.queues);

  // One connection carries BullMQ's commands and the flags SDK's; a producer-only process fails adds fast while Redis is away.
  const producerOnly = !roles.has('work');
  const shared = sharedConnection({ redisUrl: options.redisUrl, name: connectionPrefix(name), failFast: producerOnly });
  const flags: AppFlags = options.flags
    ? await connectFlags({
        app: `fleet-${name}`,
        redis: shared,
        namespace: options.namespace,
        heartbeatMs: options.heartbeatMs,
        flagNames: plan.flags,
        tiers: Object.fromEntries(plan.tiers.map((tier) => [tier.name, tier.queues])),
      })
    : migratedFlags(options.http !== undefined);
  flags.on('error', () => undefined);

  const queues: MigratingQueues = migratingQueues({
    flags,
    redisUrl: options.redisUrl,
    name: connectionPrefix(name),
    failFast: producerOnly,
    bull: { prefix: plan.legacy.prefix },
    bullmq: { prefix: plan.bullmq.prefix, connection: shared },
    topology: options.topology === 'merged' ? { merged: MERGED_QUEUE, concurrency: options.worker.concurrency } : 'per-queue',
    worker: { lockDuration: options.worker.lockDurationMs, stalledInterval: options.worker.stalledIntervalMs },
    drain: options.drain,
  });
  const reportWorkers = () => void send({ type: 'lanes', from: name, version: flags.version, running: queues.workers() });
  queues.on('worker', (change) => {
    if (change.state === 'stopped' || change.reason !== 'flags') log('info', `${change.side}:${change.queue} worker ${change.state} (${change.reason})`);
    reportWorkers();
  });
  queues.on('repeat', (move) => log('info', `repeatable ${move.queue} on ${move.to} (tick ${move.tick ?? '-'} ${move.outcome})`));
  queues.on('error', (error) => warn(error.message));

  const reporter = new EventReporter(name, send);
  // Only job handlers use the cache and limiters: a producer-only process opens none of their connections.
  const keyPrefix = `fleet:{${options.namespace}}:`;
  // They follow USE_HTTP_REDIS by themselves (redis-migrate/redis).
  const kv = options.kv && roles.has('work') ? openKv({ redisUrl: options.redisUrl, process: name, keyPrefix, http: options.http, flags, warn }) : undefined;
  const handler = makeHandler(reporter, kv, options.workMs, keyPrefix);

  flags.on('change', ({ version }) => {
    log('info', `flags v${version}: ${names.filter((queue) => flags.useBullMQ(queue)).length}/${names.length} queues on BullMQ, http=${flags.useHttpRedis()}`);
  });

  if (roles.has('work')) {
    await Promise.all(names.map((queue) => queues.get<JobData>(queue).process((job) => handler(queue, job), { concurrency: options.worker.concurrency })));
    reportWorkers();
  }
  if (roles.has('schedule')) {
    await Promise.all(
      options.repeatQueues.map((queue) => queues.get<JobData>(queue).repeat('tick', { pattern: options.repeatCron }, { kind: 'tick' }, TICK_OPTIONS)),
    );
  }
  const producer = roles.has('produce') ? new Producer(queues, names, reporter, name) : undefined;
  producer?.setRate(options.rate);

  let stopping: Promise<void> | undefined;
  return {
    name,
    running: () => queues.workers(),
    setRate: (rate) => producer?.setRate(rate),
    stopProducing: async () => producer?.stop(),
    stop() {
      stopping ??= (async () => {
        await producer?.stop();
        await queues.close();
        await kv?.close();
        await flags.close();
        await reporter.flush();
        await quit(shared);
      })();
      return stopping;
    },
  };
}
