/**
 * The live flags client an app imports. Answers from an in-memory snapshot (no Redis round trip
 * per call), follows changes by pub/sub, re-reads the store after every reconnect, acknowledges
 * each version it applies and heartbeats so the CLI can count who has applied what.
 */
import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import type { RedisClient } from '../redis/client.js';
import { defaultTierQueues } from '../plan/default-tiers.js';
import { stateKeys, type StateKeys } from '../state/keys.js';
import { parseStateHash, type FlagState } from '../state/model.js';
import { pruneInstances, readInstances, removeInstance, reportInstance, type InstanceRecord } from '../state/instances.js';
import {
  DEFAULT_FLAG_NAMES,
  httpRedisOn,
  isNewer,
  killSwitchOn,
  queueOnBullmq,
  snapshotFromEnv,
  snapshotFromState,
  unknownStoreTiers,
  type FlagNames,
  type FlagSnapshot,
} from './snapshot.js';

export interface ConnectFlagsOptions {
  /** Name of the app or process kind ("api", "worker"); shown by `redis-migrate status`. */
  app: string;
  /** Defaults to REDIS_URL, then redis://127.0.0.1:6379. */
  redisUrl?: string;
  /** An existing ioredis connection (or Cluster) for commands; the client duplicates it for pub/sub. Not closed by close(). */
  redis?: Redis | Cluster;
  /** With `redisUrl`: the URL is a seed node of a Redis Cluster (the state keys are hash-tagged, so they live on one slot). */
  cluster?: boolean;
  /** Defaults to REDIS_MIGRATE_NAMESPACE, then "default". */
  namespace?: string;
  /** Where the kill switch and the fallback values are read from, at every call. Default: process.env. */
  env?: Record<string, string | undefined>;
  flagNames?: Partial<FlagNames>;
  /**
   * Tier → queues, used until the store has recorded its own (and when it cannot be reached). Default: the default plan.
   * Only these tiers are obeyed: a tier the store names that is not here is ignored, with a `warning` event.
   */
  tiers?: Record<string, string[]>;
  /** Heartbeat interval; the CLI counts an instance live for three intervals. Default 5000 ms. */
  heartbeatMs?: number;
  /** How long `connectFlags` waits for the store before serving the environment's values. Default 2000 ms. */
  connectTimeoutMs?: number;
}

export type FlagSource = 'redis' | 'env' | 'last-known';

export interface FlagChangeEvent {
  version: number;
  previous: FlagSnapshot;
  current: FlagSnapshot;
  source: FlagSource;
}

export interface FlagsClientEvents {
  change: [FlagChangeEvent];
  error: [Error];
  /** Something in the store was ignored (a tier not in `tiers`); the flags go on working. */
  warning: [message: string];
}

export class FlagsClient extends EventEmitter<FlagsClientEvents> {
  readonly id: string;
  readonly app: string;
  private snapshotValue: FlagSnapshot;
  private sourceValue: FlagSource = 'env';
  private readonly env: Record<string, string | undefined>;
  private readonly names: FlagNames;
  private readonly tiers: Record<string, string[]>;
  private readonly keys: StateKeys;
  private readonly heartbeatMs: number;
  private readonly startedAt = Date.now();
  private heartbeat: NodeJS.Timeout | undefined;
  private closed = false;
  /** Reports on their way to the store: close() waits for them, so none lands after the record is removed. */
  private readonly reporting = new Set<Promise<void>>();
  private refreshing: Promise<boolean> | undefined;
  private firstRead: (() => void) | undefined;
  private warnedTiers = '';

  /** @internal use connectFlags() */
  constructor(
    options: ConnectFlagsOptions,
    private readonly command: RedisClient,
    private readonly subscriber: RedisClient,
    private readonly ownsCommand: boolean,
  ) {
    super();
    this.app = options.app;
    this.id = `${options.app}:${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
    this.env = options.env ?? process.env;
    this.names = { ...DEFAULT_FLAG_NAMES, ...options.flagNames };
    this.tiers = options.tiers ?? defaultTierQueues();
    this.keys = stateKeys(options.namespace || this.env.REDIS_MIGRATE_NAMESPACE || 'default');
    this.heartbeatMs = options.heartbeatMs ?? 5000;
    this.snapshotValue = snapshotFromEnv(this.env, this.names, this.tiers);
  }

  /** Should this queue run on BullMQ right now? Synchronous, from memory; the kill switch wins. */
  useBullMQ(queue: string): boolean {
    return queueOnBullmq(this.snapshotValue, queue, this.env, this.names);
  }

  /** Should the cache and rate limiters use HTTP Redis right now? */
  useHttpRedis(): boolean {
    return httpRedisOn(this.snapshotValue, this.env, this.names);
  }

  /** The flag version applied (0 while serving environment values). */
  get version(): number {
    return this.snapshotValue.version;
  }

  get snapshot(): FlagSnapshot {
    return this.snapshotValue;
  }

  /** Where the current values come from: the store, the environment, or the last values seen before the store went away. */
  get source(): FlagSource {
    return this.sourceValue;
  }

  /**
   * Whether every live instance has applied the version this client runs (an instance on a rebuilt
   * store counts as applied), and how many live ones are pinned to Bull by their kill switch. Reads
   * the store; `redis-migrate/queues` asks this before it stops an old side's workers.
   */
  async rollout(): Promise<{ applied: boolean; pinnedToLegacy: number }> {
    const { version, epoch } = this.snapshotValue;
    const live = (await readInstances(this.command, this.keys)).instances.filter((instance) => instance.live);
    return {
      applied: live.every((instance) => instance.epoch !== epoch || instance.version >= version),
      pinnedToLegacy: live.filter((instance) => instance.killSwitch).length,
    };
  }

  /** @internal */
  async start(connectTimeoutMs: number): Promise<void> {
    this.subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.keys.changes) this.onMessage(message);
    });
    // Every (re)connect re-reads the store, so a change published while we were away is not missed.
    this.subscriber.on('ready', () => void this.resync());
    this.command.on('ready', () => void this.resync());
    for (const connection of [this.command, this.subscriber]) {
      connection.on('error', (error: Error) => this.fail(error));
      connection.on('close', () => {
        if (!this.closed && this.sourceValue === 'redis') this.sourceValue = 'last-known';
      });
    }

    this.heartbeat = setInterval(() => void this.report(false), this.heartbeatMs);
    this.heartbeat.unref();

    const firstRead = new Promise<void>((resolve) => {
      this.firstRead = resolve;
    });
    if (this.subscriber.status === 'wait') this.subscriber.connect().catch(() => undefined);
    if (this.command.status === 'wait') this.command.connect().catch(() => undefined);
    if (this.subscriber.status === 'ready' || this.command.status === 'ready') void this.resync();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([firstRead, new Promise<void>((resolve) => (timer = setTimeout(resolve, connectTimeoutMs)))]);
    clearTimeout(timer);
  }

  private fail(error: Error): void {
    // An 'error' event without a listener would crash the app; the flags must never do that.
    if (this.listenerCount('error') > 0) this.emit('error', error);
  }

  private onMessage(message: string): void {
    try {
      this.apply(this.fromStore(parseMessage(message)));
    } catch (error) {
      this.fail(error as Error);
    }
  }

  /** Subscribe, then read: in that order no change can fall between the two. */
  private resync(): Promise<boolean> {
    if (this.closed || this.subscriber.status !== 'ready' || this.command.status !== 'ready') return Promise.resolve(false);
    if (!this.refreshing) {
      this.refreshing = this.readStore().finally(() => {
        this.refreshing = undefined;
      });
    }
    return this.refreshing;
  }

  private async readStore(): Promise<boolean> {
    try {
      await this.subscriber.subscribe(this.keys.changes);
      const hash = (await this.command.hgetall(this.keys.state)) as Record<string, string>;
      const state = parseStateHash(hash);
      if (state.version === 0) {
        // An empty store: keep what we had (env values at start, or the last known ones).
        if (this.snapshotValue.version > 0) this.sourceValue = 'last-known';
        await this.report(false);
      } else if (!this.apply(this.fromStore(state))) {
        this.sourceValue = 'redis';
        await this.report(false);
      }
      void pruneInstances(this.command, this.keys).catch(() => undefined);
      this.firstRead?.();
      return true;
    } catch (error) {
      this.fail(error as Error);
      return false;
    }
  }

  /** The store's state as this app obeys it; tiers outside the app's mapping are ignored, with one warning per distinct set. */
  private fromStore(state: FlagState): FlagSnapshot {
    const unknown = unknownStoreTiers(state, this.tiers);
    const key = unknown.join('\n');
    if (key !== this.warnedTiers) {
      this.warnedTiers = key;
      if (unknown.length) {
        const names = unknown.map((name) => JSON.stringify(name)).join(', ');
        const message = `the flag store names tier(s) ${names} that this app does not know (connectFlags tiers): ignored, their queues stay where they are`;
        // After the current turn: the first read happens inside connectFlags, before the app can listen.
        setImmediate(() => this.emit('warning', message));
      }
    }
    return snapshotFromState(state, this.tiers);
  }

  /** Apply a newer snapshot, tell the app, acknowledge. Returns whether anything changed. */
  private apply(incoming: FlagSnapshot): boolean {
    if (!isNewer(this.snapshotValue, incoming)) return false;
    const previous = this.snapshotValue;
    this.snapshotValue = incoming;
    this.sourceValue = 'redis';
    this.emit('change', { version: incoming.version, previous, current: incoming, source: 'redis' });
    // Acknowledge after the event loop turn, so every instance in this process applies first.
    setImmediate(() => void this.report(true));
    return true;
  }

  private record(): InstanceRecord {
    return {
      id: this.id,
      app: this.app,
      host: hostname(),
      pid: process.pid,
      version: this.snapshotValue.version,
      epoch: this.snapshotValue.epoch,
      source: this.sourceValue,
      killSwitch: killSwitchOn(this.env, this.names),
      heartbeatMs: this.heartbeatMs,
      startedAt: this.startedAt,
    };
  }

  private async report(ack: boolean): Promise<void> {
    if (this.closed || this.command.status !== 'ready') return;
    const sent = reportInstance(this.command, this.keys, this.record(), ack).catch((error: Error) => this.fail(error));
    this.reporting.add(sent);
    await sent;
    this.reporting.delete(sent);
  }

  /**
   * Stop following the store, remove this instance from it (acknowledging the version it applied,
   * so a change applied just before shutting down counts as confirmed), close the connections this
   * client opened.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    await Promise.all(this.reporting);
    if (this.command.status === 'ready') await removeInstance(this.command, this.keys, this.record()).catch(() => undefined);
    const connections = this.ownsCommand ? [this.subscriber, this.command] : [this.subscriber];
    await Promise.all(
      connections.map((connection) => (connection.status === 'ready' ? connection.quit().catch(() => connection.disconnect()) : connection.disconnect())),
    );
  }
}

let lastMessage: { text: string; state: FlagState } | undefined;

/** Instances in one process receive the same message: parse it once. */
function parseMessage(text: string): FlagState {
  if (lastMessage?.text !== text) lastMessage = { text, state: parseStateHash(JSON.parse(text) as Record<string, string>) };
  return lastMessage.state;
}
