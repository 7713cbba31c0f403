/**
 * One fleet process: the plan's queues with producers, workers and repeatable jobs on Bull or
 * BullMQ per queue as the flags say, switching live. Shutdown order: producers stop, workers
 * close (active jobs finish), queues close, the flags client, then the shared connection.
 */
import { connectFlags } from '../../src/flags/index.js';
import { stateKeys } from '../../src/state/keys.js';
import { migratedFlags, type AppFlags } from './app-flags.js';
import { BullSide } from './bull-side.js';
import { BullmqSide } from './bullmq-side.js';
import { bullmqQueues, type RepeatSpec } from './catalog.js';
import type { FleetOptions } from './config.js';
import { quit, sharedConnection } from './connections.js';
import { EventReporter, type Send } from './events.js';
import { makeHandler } from './handler.js';
import { openKv } from './kv.js';
import { Lanes, type Lane } from './lanes.js';
import { Producer } from './producer.js';
import { bullmqRepeatSide, bullRepeatSide } from './repeat-sides.js';
import { RepeatScheduler } from './repeatables.js';

export interface Fleet {
  readonly name: string;
  /** Lanes (`bull:<queue>`, `bullmq:<queue>`) whose workers run now. */
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
  const queues = plan.tiers.flatMap((tier) => tier.queues);
  const prefixes = { bull: plan.legacy.prefix, bullmq: plan.bullmq.prefix };
  const [{ default: Bull }, bullmqLib] = await Promise.all([import('bull'), import('bullmq')]);

  const shared = sharedConnection(options.redisUrl, name, !roles.has('work'));
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

  const reporter = new EventReporter(name, send);
  // Only job handlers use the cache and limiters: a producer-only process opens none of their connections.
  const keyPrefix = `fleet:{${options.namespace}}:`;
  // They follow USE_HTTP_REDIS by themselves (redis-migrate/redis).
  const kv = options.kv && roles.has('work') ? openKv({ redisUrl: options.redisUrl, process: name, keyPrefix, http: options.http, flags, warn }) : undefined;
  const handler = makeHandler(reporter, kv, options.workMs, keyPrefix);
  const bull = new BullSide(Bull, { redisUrl: options.redisUrl, process: name, prefix: prefixes.bull, worker: options.worker, handler, warn });
  const bullmq = new BullmqSide(bullmqLib, shared, { prefix: prefixes.bullmq, worker: options.worker, handler, warn });

  const producer = roles.has('produce') ? new Producer({ flags, bull, bullmq, topology: options.topology, queues, reporter, name }) : undefined;
  const laneList: Lane[] = [
    ...queues.map((queue): Lane => ({ id: `bull:${queue}`, system: 'bull', queue, carries: [queue] })),
    ...[...bullmqQueues(options.topology, queues)].map(([queue, carries]): Lane => ({ id: `bullmq:${queue}`, system: 'bullmq', queue, carries })),
  ];
  const reportLanes = () => void send({ type: 'lanes', from: name, version: flags.version, running: lanes?.runningLanes() ?? [] });
  const lanes = roles.has('work')
    ? new Lanes(laneList, { flags, bull, bullmq, client: shared, keys: stateKeys(options.namespace), prefixes, drain: options.drain, log, onChange: reportLanes })
    : undefined;
  const specs: RepeatSpec[] = options.repeatQueues.map((queue) => ({ queue, cron: options.repeatCron }));
  const scheduler = roles.has('schedule') && specs.length
    ? new RepeatScheduler(specs, { bull: bullRepeatSide(bull, prefixes.bull, shared), bullmq: bullmqRepeatSide(bullmq, options.topology) }, flags, log)
    : undefined;

  flags.on('change', ({ version }) => {
    log('info', `flags v${version}: ${queues.filter((queue) => flags.useBullMQ(queue)).length}/${queues.length} queues on BullMQ, http=${flags.useHttpRedis()}`);
    producer?.sync();
    lanes?.sync().catch((error: Error) => warn(`lanes: ${error.message}`));
    void scheduler?.reconcile();
  });

  producer?.sync();
  await lanes?.sync(true);
  await scheduler?.reconcile();
  producer?.setRate(options.rate);

  let stopping: Promise<void> | undefined;
  return {
    name,
    running: () => lanes?.runningLanes() ?? [],
    setRate: (rate) => producer?.setRate(rate),
    stopProducing: async () => producer?.stop(),
    stop() {
      stopping ??= (async () => {
        await producer?.stop();
        await scheduler?.stop();
        lanes?.stop();
        await bullmq.closeWorkers();
        await producer?.release();
        await bull.closeAll();
        await bullmq.closeQueues();
        await kv?.close();
        await flags.close();
        await reporter.flush();
        await quit(shared);
      })();
      return stopping;
    },
  };
}
