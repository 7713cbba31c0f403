/**
 * The ioredis side of `migratingRedis`. Commands go out as the command lines @upstash/redis would
 * send (lower-case names, so ioredis's reply transformers give RESP2 shapes on a RESP3 client too).
 * Scripts written for Upstash (`#!lua flags=allow-key-locking`, @upstash/ratelimit 2.1+) run on
 * stock Redis through the bridge's own rewrite table (src/http/scripts.ts).
 */
import { Redis, type RedisOptions } from 'ioredis';
import { ScriptTable } from '../../http/scripts.js';
import { endpointOptions, parseRedisUrl } from '../../redis/url.js';
import { asCommandError } from './errors.js';

/** One reply of a pipeline or transaction: Redis's error text, or the result. */
export interface PipelineItem {
  error: string | undefined;
  result: unknown;
}

export type TcpTarget = { client: Redis } | { url: string; connectionName: string; redisOptions?: RedisOptions };

const SCRIPT_COMMANDS = new Set(['eval', 'evalsha']);

/** Options for the connection this side opens: fail a command in seconds while Redis is away, keep reconnecting. */
function connectionOptions(url: string, connectionName: string, extra: RedisOptions | undefined): RedisOptions {
  return {
    ...endpointOptions(parseRedisUrl(url)),
    connectionName,
    protocol: 2,
    connectTimeout: 5000,
    maxRetriesPerRequest: 1,
    retryStrategy: (times: number) => Math.min(100 * times, 2000),
    ...extra,
  };
}

/** EXECABORT with the first queueing error appended, as the REST bridge words it (`...errors: ERR wrong number...`). */
function withFirstCause(error: unknown): unknown {
  const cause = (error as { previousErrors?: Error[] }).previousErrors?.[0];
  if (!(error instanceof Error) || !cause) return error;
  error.message = `${error.message.replace(/\.$/, '')}: ${cause.message}`;
  return error;
}

export class TcpSide {
  private owned: Redis | undefined;
  private readonly closing: Promise<void>[] = [];
  private readonly scripts = new ScriptTable();
  private readonly options: RedisOptions | undefined;

  constructor(private readonly target: TcpTarget) {
    // A bad URL is a configuration error now, not at the first call.
    this.options = 'url' in target ? connectionOptions(target.url, target.connectionName, target.redisOptions) : undefined;
  }

  /** The connection calls go to; the one this side owns is opened on first need. */
  client(): Redis {
    if ('client' in this.target) return this.target.client;
    if (!this.owned) {
      const client = new Redis(this.options as RedisOptions);
      // A failing command rejects on its own; the event would only repeat it.
      client.on('error', () => undefined);
      this.owned = client;
    }
    return this.owned;
  }

  /** Close the owned connection once nothing runs on it (the router guarantees that); an app's own stays. */
  retire(): void {
    const client = this.owned;
    if (!client) return;
    this.owned = undefined;
    this.closing.push(
      client.quit().then(
        () => undefined,
        () => client.disconnect(),
      ),
    );
  }

  /** Upstash-only script flags stripped, EVALSHA of an original mapped to its rewrite. */
  private prepare(line: string[]): string[] {
    const name = line[0] as string;
    if (!SCRIPT_COMMANDS.has(name)) return line;
    const { command } = this.scripts.prepare({ name: name.toUpperCase(), args: line.slice(1) });
    // The adapter sends text only, so the table hands text back.
    return [command.name.toLowerCase(), ...command.args.map((arg) => (typeof arg === 'string' ? arg : arg.toString('utf8')))];
  }

  send(line: string[]): Promise<unknown> {
    const [name, ...args] = this.prepare(line) as [string, ...string[]];
    return this.client()
      .call(name, ...args)
      .then(undefined, (error: unknown) => {
        throw asCommandError(error, line[0] as string, 'tcp');
      });
  }

  async exec(lines: string[][], kind: 'pipeline' | 'multi'): Promise<PipelineItem[]> {
    const client = this.client();
    const batch = kind === 'multi' ? client.multi() : client.pipeline();
    for (const line of lines) {
      const [name, ...args] = this.prepare(line) as [string, ...string[]];
      batch.call(name, ...args);
    }
    let replies: [Error | null, unknown][] | null;
    try {
      replies = await batch.exec();
    } catch (error) {
      throw asCommandError(withFirstCause(error), kind, 'tcp');
    }
    return (replies ?? []).map(([error, result]) => (error ? { error: error.message, result: undefined } : { error: undefined, result }));
  }

  async close(): Promise<void> {
    this.retire();
    await Promise.all(this.closing.splice(0));
  }
}
