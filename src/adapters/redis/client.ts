/**
 * The client `migratingRedis` returns: the @upstash/redis API for the commands in
 * SUPPORTED_COMMANDS, each call routed to ioredis or @upstash/redis by the flag at that moment.
 */
import type { ExpireOption, ScoreMember, SetCommandOptions, ZAddCommandOptions, ZRangeCommandOptions } from '@upstash/redis';
import type { FlagsClient } from '../../flags/client.js';
import { commandLine, type LexBound, type ScoreBound, type SupportedCommand } from './commands.js';
import type { HttpSide } from './http-side.js';
import { MigratingPipeline, type QueuedCommand } from './pipeline.js';
import { SideRouter, type Side } from './router.js';
import type { TcpSide } from './tcp-side.js';

/** What the client asks of the flags: `useHttpRedis()`, and 'change' events when there are any (a FlagsClient has both). */
export type HttpRedisFlag = Pick<FlagsClient, 'useHttpRedis'> & Partial<Pick<FlagsClient, 'on' | 'off'>>;

export class MigratingRedis {
  private readonly router: SideRouter;
  private closed = false;
  private warned = false;
  private readonly onFlagChange = () => this.router.settle();

  /** @internal use migratingRedis() */
  constructor(
    private readonly flags: HttpRedisFlag,
    private readonly tcp: TcpSide,
    private readonly http: HttpSide | null,
    private readonly name: string,
    private readonly warn: (message: string) => void,
    switchWaitMs: number,
  ) {
    this.router = new SideRouter(
      () => this.wanted(),
      (to) => {
        if (this.closed) return;
        if (to === 'http') {
          this.tcp.retire();
          // Start the import now, so the first call on HTTP does not wait for it (its failure reaches that call).
          this.http?.load().catch(() => undefined);
        } else {
          this.tcp.client();
        }
      },
      switchWaitMs,
    );
    this.flags.on?.('change', this.onFlagChange);
    this.router.settle();
  }

  /** The transport of the calls running now; when idle, the one the flags name. */
  get transport(): Side {
    return this.router.side ?? this.wanted();
  }

  private wanted(): Side {
    if (!this.flags.useHttpRedis()) {
      this.warned = false;
      return 'tcp';
    }
    if (this.http) return 'http';
    if (!this.warned) {
      this.warned = true;
      this.warn(`USE_HTTP_REDIS is on but migratingRedis "${this.name}" has no HTTP endpoint (upstash: null): its calls stay on TCP`);
    }
    return 'tcp';
  }

  private send<T>(command: SupportedCommand, args: readonly unknown[]): Promise<T> {
    if (this.closed) return Promise.reject(new Error(`migratingRedis: ${command} after close()`));
    let line: string[];
    try {
      line = commandLine(command, args);
    } catch (error) {
      return Promise.reject(error);
    }
    const side = this.wanted();
    const http = this.http;
    const call = side === 'http' && http ? () => http.send(command, args) : () => this.tcp.send(line);
    return this.router.run(side, call) as Promise<T>;
  }

  private readonly runBatch = async (commands: QueuedCommand[], kind: 'pipeline' | 'multi') => {
    if (this.closed) throw new Error(`migratingRedis: ${kind} after close()`);
    const side = this.wanted();
    const http = this.http;
    const items = await this.router.run(side, () =>
      side === 'http' && http
        ? http.exec(commands, kind)
        : this.tcp.exec(
            commands.map((queued) => queued.line),
            kind,
          ),
    );
    return { side, items };
  };

  /** Commands sent together in one round trip; not atomic. */
  pipeline(): MigratingPipeline {
    return new MigratingPipeline(this.runBatch, 'pipeline');
  }

  /** Commands run as one MULTI/EXEC transaction. */
  multi(): MigratingPipeline {
    return new MigratingPipeline(this.runBatch, 'multi');
  }

  /** Stops following the flags, lets running calls finish, closes the TCP connection it opened (an app's own `ioredis` stays open). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.flags.off?.('change', this.onFlagChange);
    await this.router.idle();
    await this.tcp.close();
  }

  get<TData = string>(key: string): Promise<TData | null> {
    return this.send('get', [key]);
  }
  set<TData>(key: string, value: TData, opts?: SetCommandOptions): Promise<'OK' | TData | null> {
    return this.send('set', [key, value, opts]);
  }
  incr(key: string): Promise<number> {
    return this.send('incr', [key]);
  }
  incrby(key: string, value: number): Promise<number> {
    return this.send('incrby', [key, value]);
  }
  expire(...args: [key: string, seconds: number, option?: ExpireOption]): Promise<0 | 1> {
    return this.send('expire', args);
  }
  pexpire(...args: [key: string, milliseconds: number, option?: ExpireOption]): Promise<0 | 1> {
    return this.send('pexpire', args);
  }
  ttl(key: string): Promise<number> {
    return this.send('ttl', [key]);
  }
  del(...keys: string[]): Promise<number> {
    return this.send('del', keys);
  }
  mget<TData extends unknown[] = (string | null)[]>(...args: [string[]] | string[]): Promise<TData> {
    return this.send('mget', args);
  }
  hget<TData = string>(key: string, field: string): Promise<TData | null> {
    return this.send('hget', [key, field]);
  }
  hset<TData>(key: string, kv: Record<string, TData>): Promise<number> {
    return this.send('hset', [key, kv]);
  }
  hincrby(key: string, field: string, increment: number): Promise<number> {
    return this.send('hincrby', [key, field, increment]);
  }
  zadd<TData>(
    ...args:
      | [key: string, scoreMember: ScoreMember<TData>, ...scoreMemberPairs: ScoreMember<TData>[]]
      | [key: string, opts: ZAddCommandOptions, ...scoreMemberPairs: [ScoreMember<TData>, ...ScoreMember<TData>[]]]
  ): Promise<number | null> {
    return this.send('zadd', args);
  }
  zrange<TData extends unknown[] = string[]>(
    ...args:
      | [key: string, min: number, max: number, opts?: ZRangeCommandOptions]
      | [key: string, min: LexBound, max: LexBound, opts: { byLex: true } & ZRangeCommandOptions]
      | [key: string, min: ScoreBound, max: ScoreBound, opts: { byScore: true } & ZRangeCommandOptions]
  ): Promise<TData> {
    return this.send('zrange', args);
  }
  zremrangebyscore(key: string, min: ScoreBound, max: ScoreBound): Promise<number> {
    return this.send('zremrangebyscore', [key, min, max]);
  }
  zcard(key: string): Promise<number> {
    return this.send('zcard', [key]);
  }
  eval<TArgs extends unknown[], TData = unknown>(script: string, keys: string[], args: TArgs): Promise<TData> {
    return this.send('eval', [script, keys, args]);
  }
  evalsha<TArgs extends unknown[], TData = unknown>(sha1: string, keys: string[], args: TArgs): Promise<TData> {
    return this.send('evalsha', [sha1, keys, args]);
  }
}
