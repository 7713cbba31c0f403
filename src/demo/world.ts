/**
 * One demo world: its own namespace, queue prefixes, plan file (short soak windows, and a topology
 * that describes the fleet processes it runs, so `plan`'s budget predicts them) and fleet
 * processes. Two worlds can run one after the other on the same Redis without touching each other.
 * Runs the migration's use-cases in-process, as the CLI commands do, counts its connections, and
 * cleans up what it started and wrote.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import type { Ledger } from '../../examples/fleet/ledger.js';
import type { FleetChild } from '../../examples/fleet/supervisor.js';
import type { ChangeReport } from '../usecases/change.js';
import type { Environment } from '../usecases/environment.js';
import { classifyContextFromPlan } from '../observe/classify.js';
import { connectionBudget, type ConnectionBudget } from '../plan/budget.js';
import { defaultPlanDocument } from '../plan/default-plan.js';
import type { LoadedPlan } from '../plan/load-plan.js';
import { validatePlan, type Plan } from '../plan/schema.js';
import type { LocalRedis } from '../redis/local-server.js';
import { removePrefixKeys } from '../synthetic/prefix.js';
import { countWorld, type WorldCount } from './connections.js';
import type { HttpEndpoint } from './http-endpoint.js';
import type { DemoCommand } from './script.js';
import { WorldEnvironment } from './world-environment.js';

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
  /** Soak window of every tier, ms. */
  soakMs: number;
  /** Where the demo runs: its timeout, interrupts, working directory and process environment. */
  env: Environment;
}

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
    document.http = {
      tokenEnv: 'UPSTASH_REDIS_REST_TOKEN',
      cacheKeyPatterns: [`fleet:{${this.namespace}}:cache:*`],
      automaticDeserialization: false,
      budgetWindow: '500ms',
      rateLimiters: [],
    };
    for (const tier of document.tiers) {
      tier.soak = `${options.soakMs}ms`;
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
    return this.options.soakMs;
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

  /** Run one migration use-case in this world, as `redis-migrate <command> --yes` would, with connections of its own. */
  private async inWorld<T>(work: (env: WorldEnvironment, loaded: LoadedPlan) => Promise<T>): Promise<T> {
    const http: Record<string, string> = this.options.http
      ? { UPSTASH_REDIS_REST_URL: this.options.http.url, UPSTASH_REDIS_REST_TOKEN: this.options.http.token }
      : {};
    const env = new WorldEnvironment(this.options.env, { redisUrl: this.options.redisUrl, namespace: this.namespace, variables: http });
    try {
      return await work(env, { plan: this.plan, source: this.planPath });
    } finally {
      await env.close();
    }
  }

  /** Phase 3 cleanup, deleting (as `phase3 cleanup --yes`). */
  async phase3Cleanup(): Promise<{ deleted: number; blocked: boolean }> {
    return this.inWorld(async (env, loaded) => {
      const { cleanLegacyKeys } = await import('../usecases/phase3-cleanup.js');
      const cleanup = await cleanLegacyKeys(env, loaded, { mode: 'delete', batch: 2000 });
      return { deleted: cleanup.keys.total, blocked: cleanup.blocked };
    });
  }

  /** Phase 3 verify over a 1 s window, once the migrated app runs. */
  async phase3Verify(): Promise<{ passed: number; failed: string[] }> {
    return this.inWorld(async (env, loaded) => {
      const { verifyEndOfMigration } = await import('../usecases/phase3-verify.js');
      const verify = await verifyEndOfMigration(env, loaded, { windowMs: 1000 });
      return { passed: verify.summary.pass, failed: verify.missing };
    });
  }

  /** Phase 1, phase 2 for a tier, or a rollback, waiting up to 3 s for the fleet to confirm. */
  async change(run: DemoCommand): Promise<ChangeReport | undefined> {
    if (run.command === 'none' || run.command === 'phase3') return undefined;
    const command = run;
    return this.inWorld(async (env, loaded) => {
      if (command.command === 'phase1') return (await import('../usecases/phase1.js')).flipPhase1(env, loaded, { waitMs: 3000 });
      if (command.command === 'phase2') return (await import('../usecases/phase2.js')).flipTier(env, loaded, { tier: command.tier, waitMs: 3000 });
      return (await import('../usecases/rollback.js')).rollBack(env, loaded, { tier: command.tier, waitMs: 3000, reason: 'demo: rollback drill' });
    });
  }

  /** This world's connections, classified as `redis-migrate connections` does, and per process. */
  async count(): Promise<WorldCount> {
    const list = (await this.client.client('LIST')) as string;
    const owner = this.children.find((child) => child.name !== 'api')?.name ?? 'app';
    return countWorld(
      list,
      classifyContextFromPlan(this.plan),
      { prefixes: this.prefixes, processes: this.processNames, blockingOwner: owner },
      this.tierNames,
    );
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
