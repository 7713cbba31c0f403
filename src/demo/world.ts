/**
 * One demo world: its own namespace, queue prefixes, plan file (short soak windows) and fleet
 * processes, so two topologies can run one after the other on the same Redis without touching each
 * other. Runs the migration commands in-process, exactly as the CLI would, counts its connections,
 * and cleans up what it started and wrote.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Redis } from 'ioredis';
import type { Ledger } from '../../examples/fleet/ledger.js';
import type { FleetChild } from '../../examples/fleet/supervisor.js';
import { CommandContext, type Io } from '../cli/context.js';
import type { ChangeReport } from '../commands/change.js';
import { defaultPlanDocument } from '../plan/default-plan.js';
import { parseDuration } from '../plan/duration.js';
import type { LocalRedis } from '../redis/local-server.js';
import { removePrefixKeys } from '../synthetic/prefix.js';
import { countByProcess, countConnections, type ConnectionCount, type DemoPrefixes } from './connections.js';
import type { HttpEndpoint } from './http-endpoint.js';
import type { DemoCommand } from './script.js';

export interface WorldOptions {
  /** Names the world's prefixes and namespace ("main", "merged"). */
  label: string;
  redisUrl: string;
  local: LocalRedis | undefined;
  http: HttpEndpoint | undefined;
  soak: string;
  io: Io;
}

const discard = () => new Writable({ write: (_chunk, _encoding, callback) => callback() });

export class DemoWorld {
  readonly id = randomBytes(3).toString('hex');
  readonly namespace: string;
  /** Prefixes of the world's own; on a throwaway server the first world keeps the plan's ("bull", "bullmq"). */
  readonly prefixes: DemoPrefixes;
  readonly planPath: string;
  readonly tiers: { name: string; queues: string[] }[];
  private readonly dir: string;
  private readonly children: FleetChild[] = [];

  constructor(
    readonly options: WorldOptions,
    readonly client: Redis,
  ) {
    this.namespace = `demo-${options.label}-${this.id}`;
    const base = options.local ? (options.label === 'main' ? '' : `${options.label}-`) : `demo-${options.label}-${this.id}-`;
    this.prefixes = { legacy: `${base}bull`, bullmq: `${base}bullmq` };
    const document = defaultPlanDocument() as Record<string, unknown> & { tiers: { name: string; queues: string[]; soak: string; watch?: string }[] };
    document.namespace = this.namespace;
    document.legacy = { library: 'bull', prefix: this.prefixes.legacy };
    document.bullmq = { prefix: this.prefixes.bullmq };
    for (const tier of document.tiers) {
      tier.soak = options.soak;
      delete tier.watch;
    }
    this.tiers = document.tiers.map(({ name, queues }) => ({ name, queues }));
    this.dir = mkdtempSync(join(tmpdir(), 'redis-migrate-demo-'));
    this.planPath = join(this.dir, 'redis-migrate.config.json');
    writeFileSync(this.planPath, JSON.stringify(document, null, 2));
  }

  get soakMs(): number {
    return parseDuration(this.options.soak) ?? 0;
  }

  get queues(): string[] {
    return this.tiers.flatMap((tier) => tier.queues);
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
        ...(this.options.http ? { UPSTASH_REDIS_REST_URL: this.options.http.url, UPSTASH_REDIS_REST_TOKEN: this.options.http.token } : {}),
        ...env,
      },
    });
    this.children.push(child);
    await child.ready;
    return child;
  }

  /** Run phase1 / phase2 / rollback in-process, as `redis-migrate <command> --yes` would. */
  async change(run: DemoCommand): Promise<ChangeReport | undefined> {
    if (run.command === 'none') return undefined;
    const io: Io = { ...this.options.io, stdout: discard(), stderr: discard(), interactive: false, env: { ...this.options.io.env, REDIS_MIGRATE_ACTOR: 'redis-migrate demo' } };
    const ctx = new CommandContext({ redisUrl: this.options.redisUrl, config: this.planPath, namespace: this.namespace, yes: true, json: true }, io);
    try {
      if (run.command === 'phase1') return (await (await import('../commands/phase1.js')).run(ctx, { wait: '3s' })).report;
      if (run.command === 'phase2') return (await (await import('../commands/phase2.js')).run(ctx, { tier: run.tier, wait: '3s' })).report;
      return (await (await import('../commands/rollback.js')).run(ctx, { tier: run.tier, wait: '3s', reason: 'demo: rollback drill' })).report;
    } finally {
      await ctx.close();
    }
  }

  get processNames(): string[] {
    return this.children.map((child) => child.name);
  }

  /** This world's connections (other worlds' and this tool's own are left out). */
  async count(): Promise<{ all: ConnectionCount; byProcess: Record<string, ConnectionCount> }> {
    const list = (await this.client.client('LIST')) as string;
    const worker = this.children.find((child) => child.name !== 'api')?.name ?? 'app';
    return { all: countConnections(list, this.prefixes, this.processNames), byProcess: countByProcess(list, this.prefixes, this.processNames, worker) };
  }

  async stopFleets(): Promise<number> {
    const codes = await Promise.all(this.children.map((child) => child.stop(20_000)));
    return codes.length;
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
