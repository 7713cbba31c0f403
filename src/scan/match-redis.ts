/** ioredis (phase 1) and @upstash/redis call sites → findings. Pure. */
import { literalString, memberName, unwrap, type AnyNode } from './ast.js';
import type { Inference } from './infer.js';
import { KIND, awaited } from './kinds.js';
import type { Emit } from './match-bull.js';
import type { FileModel } from './model.js';
import { IOREDIS_RULES } from './rules/ioredis.js';

const BLOCKING = new Set(['blpop', 'brpop', 'brpoplpush', 'blmove', 'blmpop', 'bzpopmin', 'bzpopmax', 'bzmpop', 'wait', 'waitaof']);
const STREAM_READS = new Set(['xread', 'xreadgroup']);
const SCANS = new Set(['keys', 'scan', 'scanStream', 'hscan', 'sscan', 'zscan', 'hscanStream', 'sscanStream', 'zscanStream']);
const SUBSCRIBE = new Set(['subscribe', 'psubscribe', 'ssubscribe']);
const MESSAGE_EVENTS = new Set(['message', 'pmessage', 'smessage', 'messageBuffer', 'pmessageBuffer']);
const CONNECTION_EVENTS = new Set(['connect', 'ready', 'error', 'close', 'reconnecting', 'end', 'wait']);
const CONNECTION_METHODS = new Set(['connect', 'quit', 'disconnect', 'select', 'duplicate']);
const SET_FLAGS = /^(EX|PX|EXAT|PXAT|NX|XX|KEEPTTL|GET)$/i;
const READS = new Set(['get', 'hget', 'getex', 'getdel', 'lindex', 'lpop', 'rpop', 'getset', 'hgetall', 'mget', 'hmget']);
const WRITES = new Set(['set', 'setex', 'psetex', 'setnx', 'hset', 'hsetnx', 'hmset', 'lpush', 'rpush', 'getset', 'mset']);

export class RedisMatcher {
  constructor(
    private readonly file: FileModel,
    private readonly inference: Inference,
    private readonly emit: Emit,
  ) {}

  construction(node: AnyNode, clusterClass: boolean): void {
    this.emit(IOREDIS_RULES.client, node, { api: clusterClass ? 'new Redis.Cluster(nodes)' : 'new Redis(url | options)' });
  }

  /** `client.<method>(...)` on an ioredis client or one of its pipelines. */
  ioredisCall(node: AnyNode, method: string, receiverKind: string): void {
    const args: AnyNode[] = node.arguments;
    if (receiverKind === KIND.ioredis && (method === 'pipeline' || method === 'multi')) {
      this.emit(IOREDIS_RULES.batch, node, { api: `redis.${method}()...exec()` });
      return;
    }
    if (BLOCKING.has(method) || (STREAM_READS.has(method) && args.some((arg) => literalString(arg)?.toUpperCase() === 'BLOCK'))) {
      this.emit(IOREDIS_RULES.blocking, node, { api: `redis.${method}(...)` });
      return;
    }
    if (SCANS.has(method)) {
      this.emit(IOREDIS_RULES.keysScan, node, { api: `redis.${method}(...)` });
      return;
    }
    if (SUBSCRIBE.has(method)) {
      this.emit(IOREDIS_RULES.pubsub, node, { api: `redis.${method}(channel)` });
      return;
    }
    if (method === 'on' || method === 'once') {
      const event = literalString(args[0]);
      if (event && MESSAGE_EVENTS.has(event)) this.emit(IOREDIS_RULES.pubsub, node, { api: `redis.on('${event}', ...)` });
      else if (event && CONNECTION_EVENTS.has(event)) this.emit(IOREDIS_RULES.connection, node, { api: `redis.on('${event}', ...)` });
      return;
    }
    if (CONNECTION_METHODS.has(method)) {
      this.emit(IOREDIS_RULES.connection, node, { api: `redis.${method}()` });
      return;
    }
    if ((method === 'eval' || method === 'evalsha') && args.length >= 2 && unwrap(args[1])?.type !== 'ArrayExpression') {
      this.emit(IOREDIS_RULES.evalArgs, node, { api: `redis.${method}(script, numKeys, ...keysAndArgs)` });
      return;
    }
    if (method === 'defineCommand') {
      this.emit(IOREDIS_RULES.evalArgs, node, { api: 'redis.defineCommand(name, { lua, numberOfKeys })' });
      return;
    }
    if (method.endsWith('Buffer') && method.length > 'Buffer'.length) {
      this.emit(IOREDIS_RULES.buffer, node, { api: `redis.${method}(...)` });
      return;
    }
    if (method === 'hgetall') this.emit(IOREDIS_RULES.hgetall, node);
    if (method === 'set' && args.slice(2).some((arg) => SET_FLAGS.test(literalString(arg) ?? ''))) {
      this.emit(IOREDIS_RULES.setArgs, node, {
        api: `redis.set(key, value, ${args
          .slice(2)
          .map((arg) => literalString(arg) ?? '…')
          .map((text) => (SET_FLAGS.test(text) ? `'${text}'` : text))
          .join(', ')})`,
      });
    }
    if (WRITES.has(method) && args.some((arg) => isJson(arg, 'stringify')))
      this.emit(IOREDIS_RULES.json, node, { api: `redis.${method}(key, JSON.stringify(value))` });
  }

  /** `client.<method>(...)` on an @upstash/redis client. */
  upstashCall(node: AnyNode, method: string, receiverKind: string): void {
    if (receiverKind !== KIND.upstash) return;
    if (method === 'keys') this.emit(IOREDIS_RULES.upstashKeys, node);
    else if (method === 'pipeline') this.emit(IOREDIS_RULES.upstashPipeline, node);
  }

  /** `JSON.parse(await client.get(key))`: manual JSON around a Redis read. */
  jsonParse(node: AnyNode): void {
    if (!isJson(node, 'parse')) return;
    const read = readCall(node.arguments[0]);
    if (!read) return;
    const receiver = awaited(this.inference.kindOf(read.callee.object, this.file));
    const method = memberName(read.callee) ?? '';
    if (!READS.has(method)) return;
    if (receiver === KIND.ioredis || receiver === KIND.ioredisBatch) this.emit(IOREDIS_RULES.json, node, { api: `JSON.parse(await redis.${method}(key))` });
    else if (receiver === KIND.upstash) this.emit(IOREDIS_RULES.upstashDoubleParse, node, { api: `JSON.parse(await redis.${method}(key))` });
  }
}

function isJson(node: AnyNode | null | undefined, method: 'parse' | 'stringify'): boolean {
  const value = unwrap(node);
  if (value?.type !== 'CallExpression') return false;
  const callee = unwrap(value.callee);
  return callee?.type === 'MemberExpression' && callee.object.type === 'Identifier' && callee.object.name === 'JSON' && memberName(callee) === method;
}

/** The `client.get(key)` inside `await client.get(key)` / `(await client.get(key)) || '{}'` / `String(...)`. */
function readCall(node: AnyNode | null | undefined): AnyNode | null {
  let value = unwrap(node);
  for (let depth = 0; value && depth < 4; depth++) {
    if (value.type === 'AwaitExpression') value = unwrap(value.argument);
    else if (value.type === 'LogicalExpression') value = unwrap(value.left);
    else if (value.type === 'CallExpression' && value.callee.type === 'MemberExpression') return value;
    else return null;
  }
  return null;
}
