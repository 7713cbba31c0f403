/**
 * `pipeline()` and `multi()`: commands queued here run as one batch on one transport, chosen when
 * `exec()` is called. Results and errors are shaped as @upstash/redis shapes them, on both sides.
 */
import type { ExpireOption, ScoreMember, SetCommandOptions, ZAddCommandOptions, ZRangeCommandOptions } from '@upstash/redis';
import { commandLine, type LexBound, type ScoreBound, type SupportedCommand } from './commands.js';
import { pipelineItemError } from './errors.js';
import type { Side } from './router.js';
import type { PipelineItem } from './tcp-side.js';

/** One queued command: what the HTTP side calls, and the line the TCP side sends. */
export interface QueuedCommand {
  command: SupportedCommand;
  args: readonly unknown[];
  line: string[];
}

/** Runs a batch on the transport the flags name at that moment, and says which one. */
export type BatchRunner = (commands: QueuedCommand[], kind: 'pipeline' | 'multi') => Promise<{ side: Side; items: PipelineItem[] }>;

/** With `keepErrors`, each result with its error instead of a throw on the first failure. */
export type KeptResults<T extends unknown[]> = { [K in keyof T]: { error: string | undefined; result: T[K] } };

/**
 * A batch of commands. Chain commands, then `exec()`: the results in order (typed when chained in
 * one expression), or the first failure as a MigratingRedisError (`Command 2 [ incr ] failed: ...`).
 * Argument mistakes throw where the command is chained.
 */
export class MigratingPipeline<TResults extends unknown[] = []> {
  private readonly queued: QueuedCommand[] = [];

  /** @internal use `pipeline()` or `multi()` of a migratingRedis client */
  constructor(
    private readonly runBatch: BatchRunner,
    private readonly kind: 'pipeline' | 'multi',
  ) {}

  private add<R>(command: SupportedCommand, args: readonly unknown[]): MigratingPipeline<[...TResults, R]> {
    this.queued.push({ command, args, line: commandLine(command, args) });
    return this as unknown as MigratingPipeline<[...TResults, R]>;
  }

  /** Number of commands queued. */
  length(): number {
    return this.queued.length;
  }

  exec<T extends unknown[] = TResults>(): Promise<T>;
  exec<T extends unknown[] = TResults>(options: { keepErrors: true }): Promise<KeptResults<T>>;
  async exec(options?: { keepErrors?: boolean }): Promise<unknown> {
    if (this.queued.length === 0) throw new Error('Pipeline is empty');
    const { side, items } = await this.runBatch(this.queued, this.kind);
    if (options?.keepErrors) return items.map(({ error, result }) => ({ error, result }));
    return items.map(({ error, result }, i) => {
      if (error !== undefined) throw pipelineItemError(i, this.queued[i]?.command ?? '?', error, side, this.kind);
      return result;
    });
  }

  get<TData = string>(key: string) {
    return this.add<TData | null>('get', [key]);
  }
  set<TData>(key: string, value: TData, opts?: SetCommandOptions) {
    return this.add<'OK' | TData | null>('set', [key, value, opts]);
  }
  incr(key: string) {
    return this.add<number>('incr', [key]);
  }
  incrby(key: string, value: number) {
    return this.add<number>('incrby', [key, value]);
  }
  expire(...args: [key: string, seconds: number, option?: ExpireOption]) {
    return this.add<0 | 1>('expire', args);
  }
  pexpire(...args: [key: string, milliseconds: number, option?: ExpireOption]) {
    return this.add<0 | 1>('pexpire', args);
  }
  ttl(key: string) {
    return this.add<number>('ttl', [key]);
  }
  del(...keys: string[]) {
    return this.add<number>('del', keys);
  }
  mget<TData extends unknown[] = (string | null)[]>(...args: [string[]] | string[]) {
    return this.add<TData>('mget', args);
  }
  hget<TData = string>(key: string, field: string) {
    return this.add<TData | null>('hget', [key, field]);
  }
  hset<TData>(key: string, kv: Record<string, TData>) {
    return this.add<number>('hset', [key, kv]);
  }
  hincrby(key: string, field: string, increment: number) {
    return this.add<number>('hincrby', [key, field, increment]);
  }
  zadd<TData>(
    ...args:
      | [key: string, scoreMember: ScoreMember<TData>, ...scoreMemberPairs: ScoreMember<TData>[]]
      | [key: string, opts: ZAddCommandOptions, ...scoreMemberPairs: [ScoreMember<TData>, ...ScoreMember<TData>[]]]
  ) {
    return this.add<number | null>('zadd', args);
  }
  zrange<TData extends unknown[] = string[]>(
    ...args:
      | [key: string, min: number, max: number, opts?: ZRangeCommandOptions]
      | [key: string, min: LexBound, max: LexBound, opts: { byLex: true } & ZRangeCommandOptions]
      | [key: string, min: ScoreBound, max: ScoreBound, opts: { byScore: true } & ZRangeCommandOptions]
  ) {
    return this.add<TData>('zrange', args);
  }
  zremrangebyscore(key: string, min: ScoreBound, max: ScoreBound) {
    return this.add<number>('zremrangebyscore', [key, min, max]);
  }
  zcard(key: string) {
    return this.add<number>('zcard', [key]);
  }
  eval<TArgs extends unknown[], TData = unknown>(script: string, keys: string[], args: TArgs) {
    return this.add<TData>('eval', [script, keys, args]);
  }
  evalsha<TArgs extends unknown[], TData = unknown>(sha1: string, keys: string[], args: TArgs) {
    return this.add<TData>('evalsha', [sha1, keys, args]);
  }
}
