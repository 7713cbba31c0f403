/**
 * The app's cache, rate limiter and SMS rate limiter: three stores on ioredis (one TCP connection
 * each, as the legacy app has them), switched live to `@upstash/redis` over HTTP when the flags
 * say USE_HTTP_REDIS and an endpoint is configured. This is the phase 1 seam of the fleet.
 */
import type { Redis } from 'ioredis';
import type { HttpRedisConfig } from './config.js';
import { kvConnection, quit } from './connections.js';

export const KV_STORES = ['cache', 'ratelimit', 'sms'] as const;
export type KvStoreName = (typeof KV_STORES)[number];

/** The few commands the app uses, so both transports implement the same narrow port. */
export interface KvStore {
  readonly transport: 'tcp' | 'http';
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  /** Fixed-window counter: the hit count in the current window. */
  hit(key: string, windowSeconds: number): Promise<number>;
  close(): Promise<void>;
}

export function tcpStore(client: Redis): KvStore {
  return {
    transport: 'tcp',
    get: (key) => client.get(key),
    async set(key, value, ttl) {
      await client.set(key, value, 'EX', ttl);
    },
    async hit(key, window) {
      const [[, count]] = (await client.multi().incr(key).expire(key, window, 'NX').exec()) as [[unknown, number]];
      return count;
    },
    close: () => quit(client),
  };
}

export async function httpStore(config: HttpRedisConfig): Promise<KvStore> {
  const { Redis } = await import('@upstash/redis');
  const client = new Redis({ url: config.url, token: config.token, automaticDeserialization: false, enableTelemetry: false });
  return {
    transport: 'http',
    get: (key) => client.get<string>(key),
    async set(key, value, ttl) {
      await client.set(key, value, { ex: ttl });
    },
    async hit(key, window) {
      const [count] = await client.multi().incr(key).expire(key, window).exec<[number, number]>();
      return count;
    },
    close: async () => undefined,
  };
}

/** Holds the current transport of each store and swaps it when USE_HTTP_REDIS changes. */
export class KvStores {
  private stores = new Map<KvStoreName, KvStore>();
  private switching: Promise<void> = Promise.resolve();

  constructor(
    private readonly redisUrl: string,
    private readonly process: string,
    private readonly http: HttpRedisConfig | undefined,
    private readonly warn: (message: string) => void,
  ) {}

  store(name: KvStoreName): KvStore {
    const store = this.stores.get(name);
    if (!store) throw new Error(`kv store ${name} is not open`);
    return store;
  }

  /** Open (or switch) every store to the transport the flags ask for; serialised, idempotent. */
  use(http: boolean): Promise<void> {
    this.switching = this.switching.then(() => this.apply(http)).catch((error: Error) => this.warn(`kv switch failed: ${error.message}`));
    return this.switching;
  }

  private async apply(wantHttp: boolean): Promise<void> {
    if (wantHttp && !this.http) {
      this.warn('USE_HTTP_REDIS is on but no UPSTASH_REDIS_REST_URL/TOKEN is set: cache and rate limiters stay on TCP');
    }
    const http = wantHttp && this.http !== undefined;
    const transport = http ? 'http' : 'tcp';
    const retired: KvStore[] = [];
    for (const name of KV_STORES) {
      const current = this.stores.get(name);
      if (current?.transport === transport) continue;
      const next = http ? await httpStore(this.http!) : tcpStore(kvConnection(this.redisUrl, this.process, name));
      this.stores.set(name, next);
      if (current) retired.push(current);
    }
    // Calls already running on the old transport finish on it; quit waits for their replies.
    await Promise.all(retired.map((store) => store.close()));
  }

  async close(): Promise<void> {
    await this.switching;
    await Promise.all([...this.stores.values()].map((store) => store.close()));
    this.stores.clear();
  }
}
