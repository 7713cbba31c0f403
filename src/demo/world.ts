/**
 * One demo world: its own namespace, queue prefixes, plan file (short soak windows, and a topology
 * that describes the fleet processes it runs, so `plan`'s budget predicts them) and fleet
 * processes. Two worlds can run one after the other on the same Redis without touching each other.
 * Runs the migration commands in-process, exactly as the CLI would, counts its connections, and
 * cleans up what it started and wrote.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Redis } from 'ioredis';
import type { Ledger } from '../../examples/fleet/ledger.js';
import type { FleetChild } from '../../examples/fleet/supervisor.js';
import { CommandContext } from '../cli/context.js';
import type { Io } from '../cli/io.js';
import type { ChangeReport } from '../usecases/change.js';
import { classifyContextFromPlan } from '../observe/classify.js';
import { connectionBudget, type ConnectionBudget } from '../plan/budget.js';
import { defaultPlanDocument } from '../plan/default-plan.js';
import { parseDuration } from '../plan/duration.js';
import { validatePlan, type Plan } from '../plan/schema.js';
import type { LocalRedis } from '../redis/local-server.js';
import { removePrefixKeys } from '../synthetic/prefix.js';
import { countWorld, type WorldCount } from './connections.js';
import type { HttpEndpoint } from './http-endpoint.js';
import type { DemoCommand } from './script.js';

/** single: one app process, one BullMQ queue per legacy queue; split: an API process plus a worker process, every queue merged into one BullMQ queue. */
export type DemoTopology = 'single' | 'split';
/** Where the fleet's cache and limiters live: TCP throughout, moved to HTTP by phase 1, or not run at all. */
export type KvMode = 'tcp' | 'http' | 'none';

export interface WorldOptions {
  /** Names the world's prefixes and namespace ("main", "merged"). */
  label: string;
  topology: DemoTopology;
  kv: KvMode;
  redisUrl: string;
  local: LocalRedis | undefined;
  http: HttpEndpoint | undefined;
  soak: string;
  io: Io;
}

const discard = () => new Writable({ write: (_chunk, _encoding, callback) => callback() });

/** The fleet processes, as a plan topology: what they run and which connections they hold. */
function fleetTopology(topology: DemoTopology, kv: KvMode): Record<string, unknown> {
  // The cache and limiters: moved by phase 1 when there is an endpoint, else they stay ("other").
  const stores = { phase1: kv === 'http' ? 3 : 0, other: kv === 'tcp' ? 3 : 0 };
  // The fleet's flags SDK runs its commands on the shared BullMQ connection: only its subscriber is its own.
  const sdk = { flagsSdk: 1, flagsSdkOnBullmq: true };
  if (topology === 'single') {
    return { merge: 'none', processes: [{ name: 'app', workers: 'all', produces: 'all', connections: { ...stores, ...sdk } }] };
  }
  return {
    merge: 'all',
    processes: [
      { name: 'api', workers: 'none', produces: 'all', connections: { phase1: 0, other: 0, ...sdk } },
      { name: 'worker', workers: 'all', produces: 'none', connections: { ...stores, ...sdk } },
    ],
  };
}

export class DemoWorld {
  readonly id = randomBytes(3).toString('hex');
  readonly namespace: string;
  /** Prefixes of the world's own; on a throwaway server the first world keeps the plan's ("bull", "bullmq"). */
  readonly prefixes: { legacy: string; bullmq: string };
  readonly plan: Plan;
  readonly budget: ConnectionBudget;
  readonly planPath: string;
  private readonly dir: string;
  private readonly children: FleetChild[] = [];

  constructor(
    readonly options: WorldOptions,
    readonly client: Redis,
  ) {
    this.namespace = `demo-${options.label}-${this.id}`;
    const base = options.local ? (options.label === 'main' ? '' : `${options.label}-`) : `demo-${options.label}-${this.id}-`;
    this.prefixes = { legacy: `${base}bull`, bullmq: `${base}bullmq` };
    const document = defaultPlanDocument() as Record<string, unknown> & { tiers: { soak: string; watch?: string }[] };
    document.namespace = this.namespace;
    document.legacy = { library: 'bull', prefix: this.prefixes.legacy };
    document.bullmq = { prefix: this.prefixes.bullmq };
    document.topology = fleetTopology(options.topology, options.kv);
    document.target = { connections: 3 };
    // Phase 1's checks run against the bridge: the fleet's cache keys, read as the fleet reads them.
    document.http = { tokenEnv: 'UPSTASH_REDIS_REST_TOKEN', cacheKeyPatterns: [`fleet:{${this.namespace}}:cache:*`], automaticDeserialization: false, budgetWindow: '500ms', rateLimiters: [] };
    for (const tier of document.tiers) {
      tier.soak = options.soak;
      delete tier.watch;
    }
    const validated = validatePlan(document);
    if (!validated.ok) throw new Error(`demo plan invalid: ${JSON.stringify(validated.issues)}`);
    this.plan = validated.plan;
    this.budget = connectionBudget(this.plan);
    this.dir = mkdtempSync(join(tmpdir(), 'redis-migrate-demo-'));
    this.planPath = join(this.dir, 'redis-migrate.config.json');
    writeFileSync(this.planPath, JSON.stringify(document, null, 2));
  }

  get soakMs(): number {
    return parseDuration(this.options.soak) ?? 0;
  }

  get queues(): string[] {
    return this.plan.tiers.flatMap((tier) => tier.queues);
  }

  get tierNames(): string[] {
    return this.plan.tiers.map((tier) => tier.name);
  }

  get processNames(): string[] {
    return this.children.map((child) => child.name);
  }

  async fleet(name: string, env: Record<string, string>, ledger: Ledger): Promise<FleetChild> {
    const { forkFleet } = await import('../../examples/fleet/supervisor.js');
    const child = forkFleet({
      name,
      ledger,
      env: {
        REDIS_URL: this.options.redisUrl,
        REDIS_MIGRATE_CONFIG: this.planPath,
        REDIS_MIGRATE_NAMESPACE: this.namespace,
        FLEET_HEARTBEAT_MS: '1000',
        FLEET_DRAIN_POLL_MS: '100',
        FLEET_DRAIN_SETTLE_MS: '300',
        FLEET_DRAIN_WATCH_MS: '2000',
        FLEET_TOPOLOGY: this.options.topology === 'single' ? 'per-queue' : 'merged',
        ...(this.options.kv === 'none' ? { FLEET_KV: '0' } : {}),
        ...(this.options.http ? { UPSTASH_REDIS_REST_URL: this.options.http.url, UPSTASH_REDIS_REST_TOKEN: this.options.http.token } : {}),
        ...env,
      },
    });
    this.children.push(child);
    await child.ready;
    return child;
  }

  private context(): CommandContext {
    const http = this.options.http ? { UPSTASH_REDIS_REST_URL: this.options.http.url, UPSTASH_REDIS_REST_TOKEN: this.options.http.token } : {};
    const io: Io = { ...this.options.io, stdout: discard(), stderr: discard(), interactive: false, env: { ...this.options.io.env, ...http, REDIS_MIGRATE_ACTOR: 'redis-migrate demo' } };
    return new CommandContext({ redisUrl: this.options.redisUrl, config: this.planPath, namespace: this.namespace, yes: true, json: true }, io);
  }

  /** `phase3 cleanup --yes`, in-process. */
  async phase3Cleanup(): Promise<{ deleted: number; blocked: boolean }> {
    const ctx = this.context();
    try {
      const cleanup = (await (await import('../commands/phase3-cleanup.js')).run(ctx, { batch: '2000' })).report;
      return { deleted: cleanup.keys.total, blocked: cleanup.blocked };
    } finally {
      await ctx.close();
    }
  }

  /** `phase3 verify --window 1s`, in-process, once the migrated app runs. */
  async phase3Verify(): Promise<{ passed: number; failed: string[] }> {
    const ctx = this.context();
    try {
      const verify = (await (await import('../commands/phase3-verify.js')).run(ctx, { window: '1s' })).report;
      return { passed: verify.summary.pass, failed: verify.missing };
    } finally {
      await ctx.close();
    }
  }

  /** Run phase1 / phase2 / rollback in-process, as `redis-migrate <command> --yes` would. */
  async change(run: DemoCommand): Promise<ChangeReport | undefined> {
    if (run.command === 'none' || run.command === 'phase3') return undefined;
    const ctx = this.context();
    try {
      if (run.command === 'phase1') return (await (await import('../commands/phase1.js')).run(ctx, { wait: '3s' })).report;
      if (run.command === 'phase2') return (await (await import('../commands/phase2.js')).run(ctx, { tier: run.tier, wait: '3s' })).report;
      return (await (await import('../commands/rollback.js')).run(ctx, { tier: run.tier, wait: '3s', reason: 'demo: rollback drill' })).report;
    } finally {
      await ctx.close();
    }
  }

  /** This world's connections, classified as `redis-migrate connections` does, and per process. */
  async count(): Promise<WorldCount> {
    const list = (await this.client.client('LIST')) as string;
    const owner = this.children.find((child) => child.name !== 'api')?.name ?? 'app';
    return countWorld(list, classifyContextFromPlan(this.plan), { prefixes: this.prefixes, processes: this.processNames, blockingOwner: owner }, this.tierNames);
  }

  async stopFleets(): Promise<number> {
    return (await Promise.all(this.children.map((child) => child.stop(20_000)))).length;
  }

  /** Stop everything; on the user's Redis remove every key the demo wrote. Returns how many keys. */
  async cleanup(): Promise<number> {
    await Promise.all(this.children.map((child) => child.kill()));
    let removed = 0;
    if (!this.options.local && this.client.status === 'ready') {
      for (const prefix of [this.prefixes.legacy, this.prefixes.bullmq, `fleet:{${this.namespace}}`, `redis-migrate:{${this.namespace}}`]) {
        removed += await removePrefixKeys(this.client, prefix);
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
    return removed;
  }
}
