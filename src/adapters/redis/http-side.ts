/**
 * The @upstash/redis side of `migratingRedis`. The library is imported on first need, so an app
 * that never flips never loads it. Replies come back as stored (`automaticDeserialization: false`
 * always), which is what makes a value read here equal the one ioredis reads.
 */
import type { Redis as UpstashRedis, RedisConfigNodejs } from '@upstash/redis';
import { asCommandError } from './errors.js';
import type { PipelineItem } from './tcp-side.js';

/** How to reach the REST endpoint; anything @upstash/redis accepts except `automaticDeserialization`. */
export type UpstashOptions = { url: string; token: string } & Omit<RedisConfigNodejs, 'url' | 'token' | 'automaticDeserialization'>;

type Commands = Record<string, (...args: unknown[]) => unknown>;

export class HttpSide {
  private redis: Promise<UpstashRedis> | undefined;

  /** `timeoutMs` bounds each request unless the options bring their own `signal` (@upstash/redis has no timeout). */
  constructor(
    private readonly options: UpstashOptions,
    private readonly timeoutMs: number,
  ) {}

  /** The client, created (and @upstash/redis imported) on first call; a failed import is retried next time. */
  load(): Promise<UpstashRedis> {
    const signal = this.options.signal ?? (() => AbortSignal.timeout(this.timeoutMs));
    this.redis ??= import('@upstash/redis').then(
      ({ Redis }) => new Redis({ ...this.options, signal, automaticDeserialization: false }),
      (error: unknown) => {
        this.redis = undefined;
        throw error;
      },
    );
    return this.redis;
  }

  /** One command through the client's method of the same name (auto-pipelined as @upstash/redis does by default). */
  async send(command: string, args: readonly unknown[]): Promise<unknown> {
    const redis = (await this.load()) as unknown as Commands;
    try {
      return await (redis[command] as (...a: unknown[]) => Promise<unknown>)(...args);
    } catch (error) {
      throw asCommandError(error, command, 'http');
    }
  }

  async exec(commands: readonly { command: string; args: readonly unknown[] }[], kind: 'pipeline' | 'multi'): Promise<PipelineItem[]> {
    const redis = await this.load();
    const batch = kind === 'multi' ? redis.multi() : redis.pipeline();
    const methods = batch as unknown as Commands;
    for (const { command, args } of commands) (methods[command] as (...a: unknown[]) => unknown)(...args);
    try {
      return (await batch.exec({ keepErrors: true })) as PipelineItem[];
    } catch (error) {
      throw asCommandError(error, kind, 'http');
    }
  }
}
