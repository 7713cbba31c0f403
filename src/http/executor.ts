/**
 * Runs parsed commands on the pool and answers with Upstash's JSON: one command, a pipeline
 * (errors inline, not atomic) or a transaction (atomic, on a leased connection; a discarded
 * transaction is one 400 error). Command names are sent upper-cased: ioredis keys its reply
 * transformers by lower-case name (`hgetall` → object), and the bridge wants Redis's raw replies.
 *
 * A long pipeline goes to Redis a slice at a time (500 commands or 256 KB of arguments), each sent
 * once the one before has answered, so the commands of other requests on the same connection wait
 * behind one slice, never the whole pipeline, and the bridge never holds more than a slice of
 * pending replies for it.
 */
import { ReplyError, type Redis } from 'ioredis';
import type { CommandPolicy } from './command-policy.js';
import { errorJson, resultJson } from './encode.js';
import type { RedisPool } from './redis-pool.js';
import type { RedisCommand } from './request.js';
import { isScriptCommand, type ScriptTable } from './scripts.js';

export interface Answer {
  status: number;
  body: string;
  /** Close the connection after answering (the body was not read to its end). */
  close?: boolean;
  headers?: Record<string, string>;
}

/** Most commands of one pipeline sent to Redis at a time: ~1 ms of Redis work for simple ones. */
export const PIPELINE_SLICE = 500;
/** Argument bytes after which a slice ends early: a slice of large values is as much work. */
export const PIPELINE_SLICE_BYTES = 256 * 1024;

/** Where the slice that starts at `from` ends (exclusive): at least one command. */
export function sliceEnd(commands: RedisCommand[], from: number): number {
  let bytes = 0;
  let to = from;
  while (to < commands.length && to - from < PIPELINE_SLICE && bytes < PIPELINE_SLICE_BYTES) {
    for (const arg of (commands[to] as RedisCommand).args) bytes += arg.length;
    to++;
  }
  return to;
}

function isReplyError(error: unknown): error is Error {
  return error instanceof ReplyError;
}

/** Redis's own error text (clients look for NOSCRIPT in it), or why Redis could not be asked. */
function errorText(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return isReplyError(error) ? message : `ERR Redis unavailable: ${message}`;
}

function errorAnswer(error: unknown): Answer {
  return { status: isReplyError(error) ? 400 : 503, body: errorJson(errorText(error)) };
}

function itemJson(value: unknown, base64: boolean): string {
  return value instanceof Error ? errorJson(value.message) : resultJson(value, base64);
}

export class Executor {
  constructor(
    private readonly pool: RedisPool,
    private readonly scripts: ScriptTable,
    private readonly policy: CommandPolicy,
  ) {}

  private send(client: Redis, command: RedisCommand): Promise<unknown> {
    if (!isScriptCommand(command.name)) return client.callBuffer(command.name, command.args);
    const prepared = this.scripts.prepare(command);
    const sent = client.callBuffer(prepared.command.name, prepared.command.args).catch((error: unknown) => {
      throw this.asSent(error);
    });
    return prepared.reply ? sent.then(prepared.reply) : sent;
  }

  /** A script's error names the script the client sent, not the bridge's rewrite of it. */
  private asSent<T>(error: T): T {
    if (error instanceof Error) error.message = this.scripts.originalShas(error.message);
    return error;
  }

  async single(command: RedisCommand, base64: boolean): Promise<Answer> {
    const refused = this.policy.refusal(command.name, command.args);
    if (refused) return { status: 400, body: errorJson(refused) };
    try {
      return { status: 200, body: resultJson(await this.send(this.pool.next(), command), base64) };
    } catch (error) {
      return errorAnswer(error);
    }
  }

  /** All commands go to one connection, in order, so Redis runs them in order. */
  async pipeline(commands: RedisCommand[], base64: boolean): Promise<Answer> {
    const client = this.pool.next();
    // Auto-pipelining sends most commands alone: skip the bookkeeping for them (hot path).
    if (commands.length === 1) return { status: 200, body: `[${await this.item(client, commands[0] as RedisCommand, base64)}]` };
    const items = new Array<string>(commands.length);
    for (let from = 0; from < commands.length; ) {
      const to = sliceEnd(commands, from);
      const send = () => this.slice(client, commands, from, to, items, base64);
      // The first slice rides the pool's corked turn; later ones are corked here (one write each).
      await (from === 0 ? send() : this.pool.corked(client, send));
      from = to;
    }
    return { status: 200, body: `[${items.join(',')}]` };
  }

  private slice(client: Redis, commands: RedisCommand[], from: number, to: number, items: string[], base64: boolean): Promise<unknown> {
    const pending: Promise<void>[] = [];
    for (let i = from; i < to; i++) {
      const command = commands[i] as RedisCommand;
      const refused = this.policy.refusal(command.name, command.args);
      if (refused) {
        items[i] = errorJson(refused);
        continue;
      }
      pending.push(
        this.send(client, command).then(
          (result) => {
            items[i] = resultJson(result, base64);
          },
          (error: unknown) => {
            items[i] = errorJson(errorText(error));
          },
        ),
      );
    }
    return Promise.all(pending);
  }

  private async item(client: Redis, command: RedisCommand, base64: boolean): Promise<string> {
    const refused = this.policy.refusal(command.name, command.args);
    if (refused) return errorJson(refused);
    try {
      return resultJson(await this.send(client, command), base64);
    } catch (error) {
      return errorJson(errorText(error));
    }
  }

  /**
   * MULTI, the commands and EXEC on a connection leased to this request alone. A command Redis
   * rejects while queueing discards the whole transaction (400, EXECABORT with the first cause);
   * runtime errors (INCR on a string) come back inline while the other commands still ran.
   */
  async transaction(commands: RedisCommand[], base64: boolean): Promise<Answer> {
    for (const command of commands) {
      const refused = this.policy.refusal(command.name, command.args);
      if (refused) return { status: 400, body: errorJson(`${refused} (transaction discarded)`) };
    }
    const prepared = commands.map((command) => (isScriptCommand(command.name) ? this.scripts.prepare(command) : { command }));
    const client = await this.pool.lease();
    let broken = false;
    try {
      const sent = [
        client.callBuffer('MULTI', []),
        ...prepared.map(({ command }) => client.callBuffer(command.name, command.args)),
        client.callBuffer('EXEC', []),
      ];
      const settled = await Promise.allSettled(sent);
      const exec = settled[settled.length - 1] as PromiseSettledResult<unknown>;
      const failures = settled.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
      if (failures.some((failure) => !isReplyError(failure.reason))) {
        broken = true;
        return errorAnswer(failures.find((failure) => !isReplyError(failure.reason))?.reason);
      }
      if (exec.status === 'rejected') {
        const cause = failures.find((failure) => failure !== exec);
        const detail = cause ? `: ${errorText(this.asSent(cause.reason))}` : '';
        return { status: 400, body: errorJson(`${errorText(exec.reason).replace(/\.$/, '')}${detail}`) };
      }
      const results = exec.value;
      if (!Array.isArray(results)) return { status: 400, body: errorJson('EXECABORT the transaction was aborted') };
      const items = results.map((result: unknown, i) => {
        const reply = prepared[i]?.reply;
        if (result instanceof Error) return itemJson(this.asSent(result), base64);
        return itemJson(reply ? reply(result) : result, base64);
      });
      return { status: 200, body: `[${items.join(',')}]` };
    } finally {
      this.pool.release(client, broken);
    }
  }
}
