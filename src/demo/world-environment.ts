/**
 * Where a demo world's migration steps run: the world's Redis, namespace and connections, the
 * demo's actor, every change confirmed up front (as `--yes`), nothing printed. Interrupts and the
 * timeout come from the environment the demo itself runs in.
 */
import type { Redis } from 'ioredis';
import type { LoadedPlan } from '../plan/load-plan.js';
import type { RedisClient } from '../redis/client.js';
import { OpenedConnections } from '../redis/opened-connections.js';
import { CONNECTION_NAME_PREFIX, stateKeys, type StateKeys } from '../state/keys.js';
import type { ConnectOptions, Environment } from '../usecases/environment.js';

export class WorldEnvironment implements Environment {
  readonly actor = 'redis-migrate demo';
  readonly variables: Readonly<Record<string, string | undefined>>;
  private readonly connections = new OpenedConnections();

  constructor(
    private readonly outer: Environment,
    private readonly world: { redisUrl: string; namespace: string; variables: Record<string, string> },
  ) {
    this.variables = { ...outer.variables, ...world.variables, REDIS_MIGRATE_ACTOR: this.actor };
  }

  get host(): string {
    return this.outer.host;
  }

  get cwd(): string {
    return this.outer.cwd;
  }

  get timeoutMs(): number {
    return this.outer.timeoutMs;
  }

  env(name: string): string | undefined {
    const value = this.variables[name];
    return value === undefined || value === '' ? undefined : value;
  }

  redisUrl(): string {
    return this.world.redisUrl;
  }

  namespace(): string {
    return this.world.namespace;
  }

  keys(): StateKeys {
    return stateKeys(this.world.namespace);
  }

  connect(purpose: string, loaded: LoadedPlan | undefined, options: ConnectOptions & { cluster: false }): Promise<Redis>;
  connect(purpose: string, loaded?: LoadedPlan, options?: ConnectOptions): Promise<RedisClient>;
  connect(purpose: string, _loaded?: LoadedPlan, options: ConnectOptions = {}): Promise<RedisClient> {
    return this.connections.open({ url: this.world.redisUrl, name: `${CONNECTION_NAME_PREFIX.cli}${purpose}`, timeoutMs: this.timeoutMs, ...options });
  }

  /** The demo reports each step itself: what the migration steps say is not shown. */
  log(): void {}

  async confirm(): Promise<void> {}

  onInterrupt(handler: () => void): () => void {
    return this.outer.onInterrupt(handler);
  }

  interruptSignal(): { signal: AbortSignal; dispose(): void } {
    return this.outer.interruptSignal();
  }

  close(): Promise<void> {
    return this.connections.closeAll();
  }
}
