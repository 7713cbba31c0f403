/** Bull and @nestjs/bull call sites → findings. Pure: reads the inference, emits through `emit`. */
import { literalString, memberName, propertyName, unwrap, type AnyNode } from './ast.js';
import type { Inference } from './infer.js';
import { KIND } from './kinds.js';
import type { FileModel } from './model.js';
import { objectLiteral, resolveString } from './names.js';
import { BULL_RULES, BULL_TYPE_RENAMES as RENAMES } from './rules/bull.js';
import { NESTJS_RULES } from './rules/nestjs.js';
import { nestEvent } from './rules/nestjs-events.js';
import type { Rule } from './rules/types.js';

export type Emit = (rule: Rule, node: AnyNode, extra?: { api?: string; replacement?: string; queue?: string | null; endLine?: number }) => void;

const WORKER_EVENTS = new Set(['active', 'completed', 'failed', 'progress', 'stalled', 'drained', 'lock-extension-failed']);
const REPEATABLE_API = new Set(['getRepeatableJobs', 'removeRepeatable', 'removeRepeatableByKey', 'getRepeatableCount', 'nextRepeatableJob']);
const REMOVED_QUEUE_API: Readonly<Record<string, string>> = {
  isReady: 'queue.waitUntilReady()',
  whenCurrentJobsFinished: 'await worker.close() (waits for the active jobs)',
  getNextJob: 'worker.getNextJob(token)',
  setWorkerName: "the Worker's `name` option",
  getPausedCount: 'getWaitingCount() (paused jobs wait in the wait list)',
  multi: 'your own ioredis client',
};
const JOB_LOCK_API = new Set(['takeLock', 'releaseLock', 'lockKey', 'moveToCompleted', 'moveToFailed', 'discard']);
const JOB_OPTION_KEYS = new Set([
  'attempts',
  'delay',
  'removeOnComplete',
  'removeOnFail',
  'jobId',
  'priority',
  'backoff',
  'repeat',
  'lifo',
  'timeout',
  'stackTraceLimit',
]);

export class BullMatcher {
  constructor(
    private readonly file: FileModel,
    private readonly inference: Inference,
    private readonly emit: Emit,
    /** The queue a receiver expression stands for, when known. */
    private readonly queueOf: (node: AnyNode) => string | null,
  ) {}

  /** `new Queue(...)` / `Queue(...)` of Bull. */
  construction(node: AnyNode): void {
    const args: AnyNode[] = node.arguments;
    const queue = resolveString(args[0], this.file, this.inference);
    this.emit(BULL_RULES.newQueue, node, { queue });
    const second = unwrap(args[1]);
    if (
      second &&
      (second.type === 'StringLiteral' ||
        second.type === 'TemplateLiteral' ||
        (second.type === 'Identifier' && !objectLiteral(second, this.file, this.inference)))
    ) {
      this.emit(BULL_RULES.redisOption, second, { api: 'new Queue(name, redisUrl)', queue });
    }
    const options = objectLiteral(args[2], this.file, this.inference) ?? objectLiteral(args[1], this.file, this.inference);
    if (options) this.queueOptions(options, queue);
  }

  private queueOptions(options: AnyNode, queue: string | null): void {
    for (const property of options.properties) {
      if (property.type !== 'ObjectProperty' && property.type !== 'ObjectMethod') continue;
      const key = propertyName(property.key, property.computed);
      if (key === 'redis') this.emit(BULL_RULES.redisOption, property, { api: '{ redis: ... }', queue });
      else if (key === 'createClient') this.emit(BULL_RULES.createClient, property, { queue });
      else if (key === 'settings') this.emit(BULL_RULES.settings, property, { queue });
      else if (key === 'limiter') this.emit(BULL_RULES.limiter, property, { queue });
    }
  }

  /** `queue.<method>(...)` on a Bull queue. */
  queueCall(node: AnyNode, method: string, receiver: AnyNode): void {
    const args: AnyNode[] = node.arguments;
    const queue = this.queueOf(receiver);
    switch (method) {
      case 'process':
        this.emit(BULL_RULES.process, node, { queue, api: processApi(args) });
        this.doneParam(args);
        return;
      case 'add':
        this.add(node, args, queue);
        return;
      case 'on':
      case 'once':
      case 'addListener': {
        const event = literalString(args[0]);
        if (event === null) return;
        if (event.startsWith('global:'))
          this.emit(BULL_RULES.globalEvents, node, {
            queue,
            api: `queue.on('${event}', ...)`,
            replacement: `new QueueEvents(name, { connection }).on('${event.slice(7)}', ({ jobId, ... }) => ...)`,
          });
        else if (WORKER_EVENTS.has(event)) this.emit(BULL_RULES.localEvents, node, { queue, api: `queue.on('${event}', ...)` });
        else if (event === 'waiting') this.emit(BULL_RULES.waitingEvent, node, { queue });
        return;
      }
      case 'empty':
        this.emit(BULL_RULES.empty, node, { queue });
        return;
      case 'clean':
        this.emit(BULL_RULES.clean, node, { queue });
        return;
      case 'pause':
      case 'resume':
        if (args[0] && !(args[0].type === 'BooleanLiteral' && args[0].value === false))
          this.emit(BULL_RULES.pauseLocal, node, { queue, api: `queue.${method}(true)` });
        return;
      case 'removeJobs':
        this.emit(BULL_RULES.removeJobs, node, { queue });
        return;
      case 'close':
        this.emit(BULL_RULES.close, node, { queue });
        return;
    }
    if (REPEATABLE_API.has(method)) this.emit(BULL_RULES.repeatableApi, node, { queue, api: `queue.${method}()` });
    const removed = REMOVED_QUEUE_API[method];
    if (removed) this.emit(BULL_RULES.removedQueueApi, node, { queue, api: `queue.${method}()`, replacement: removed });
  }

  private add(node: AnyNode, args: AnyNode[], queue: string | null): void {
    const named = this.hasJobName(args);
    if (!named) this.emit(BULL_RULES.addName, node, { queue });
    const options = objectLiteral(args[named ? 2 : 1], this.file, this.inference);
    if (!options) return;
    for (const property of options.properties) {
      if (property.type !== 'ObjectProperty') continue;
      const key = propertyName(property.key, property.computed);
      if (key === 'repeat') {
        const repeat = objectLiteral(property.value, this.file, this.inference);
        const cron = repeat?.properties.some((entry: AnyNode) => entry.type === 'ObjectProperty' && propertyName(entry.key, entry.computed) === 'cron');
        this.emit(BULL_RULES.repeat, node, { queue, api: cron ? 'queue.add(..., { repeat: { cron } })' : 'queue.add(..., { repeat })' });
      } else if (key === 'timeout') {
        this.emit(BULL_RULES.jobTimeout, property, { queue });
      }
    }
  }

  /** Bull tells add(name, data) from add(data) by the first argument's type; so does this, statically. */
  private hasJobName(args: AnyNode[]): boolean {
    if (args.length >= 3) return true;
    const first = unwrap(args[0]);
    if (!first) return false;
    if (first.type === 'ObjectExpression' || first.type === 'ArrayExpression') return false;
    if (resolveString(first, this.file, this.inference) !== null || first.type === 'TemplateLiteral') return true;
    if (objectLiteral(first, this.file, this.inference)) return false;
    const second = objectLiteral(args[1], this.file, this.inference);
    if (
      args.length === 2 &&
      second &&
      second.properties.some((entry: AnyNode) => entry.type === 'ObjectProperty' && JOB_OPTION_KEYS.has(propertyName(entry.key, entry.computed) ?? ''))
    )
      return false;
    if (args.length === 1) return false;
    const name = first.type === 'Identifier' ? first.name : first.type === 'MemberExpression' ? (memberName(first) ?? '') : '';
    return /name|type|kind|event|job$/i.test(name);
  }

  /** The `done` parameter of a process handler: the processor must return or throw instead. */
  private doneParam(args: AnyNode[]): void {
    for (const arg of args) {
      const fn = this.inference.fnOf(arg, this.file);
      const done = fn && fn.node.type !== 'ClassMethod' ? (fn.node as AnyNode).params?.[1] : undefined;
      if (done) this.emit(BULL_RULES.done, done, { api: '(job, done) => ...' });
    }
  }

  /** `job.<method>(...)` on a Bull job. */
  jobCall(node: AnyNode, method: string, queue: string | null): void {
    if (method === 'progress') this.emit(BULL_RULES.progress, node, { queue, api: node.arguments.length ? 'job.progress(n)' : 'job.progress()' });
    else if (method === 'finished') this.emit(BULL_RULES.finished, node, { queue });
    else if (method === 'update') this.emit(BULL_RULES.update, node, { queue });
    else if (JOB_LOCK_API.has(method)) this.emit(BULL_RULES.jobLock, node, { queue, api: `job.${method}()` });
  }

  /** BullModule.forRoot / forRootAsync / registerQueue / registerQueueAsync options. */
  moduleCall(node: AnyNode, method: string): void {
    if (!/^(forRoot|registerQueue)(Async)?$/.test(method)) return;
    for (const arg of node.arguments as AnyNode[]) {
      const object = objectLiteral(arg, this.file, this.inference);
      if (!object) continue;
      this.moduleOptions(object, method);
      for (const property of object.properties) {
        if (property.type !== 'ObjectProperty' && property.type !== 'ObjectMethod') continue;
        if (propertyName(property.key, property.computed) !== 'useFactory') continue;
        const fn = this.inference.fnOf(property.type === 'ObjectMethod' ? property : property.value, this.file);
        for (const returned of fn?.returns ?? []) {
          const options = objectLiteral(returned as AnyNode, this.file, this.inference);
          if (options) this.moduleOptions(options, method);
        }
      }
    }
  }

  private moduleOptions(object: AnyNode, method: string): void {
    for (const property of object.properties) {
      if (property.type !== 'ObjectProperty' && property.type !== 'ObjectMethod') continue;
      const key = propertyName(property.key, property.computed);
      if (key === 'redis' || key === 'settings' || key === 'limiter' || key === 'createClient') {
        this.emit(NESTJS_RULES.moduleOptions, property, { api: `BullModule.${method}({ ${key} })` });
      }
    }
  }

  /** Decorators of the classes of this file: @Processor, @Process, @OnQueue*, @OnGlobalQueue*. */
  classes(): void {
    for (const cls of this.file.classes) {
      let processor: string | null = null;
      for (const decorator of cls.decorators as AnyNode[]) {
        if (this.inference.decoratorName(decorator, this.file) !== 'Processor') continue;
        processor = this.decoratorQueue(decorator);
        // From the decorator to the class header: the line that gains `extends WorkerHost`.
        const header = (cls.node as AnyNode).body?.loc?.start.line;
        this.emit(NESTJS_RULES.processor, decorator, { queue: processor, ...(header ? { endLine: header } : {}) });
        const ctor = cls.methods.get('constructor');
        if (ctor && !cls.superClass) {
          this.emit(NESTJS_RULES.processor, ctor.node as AnyNode, {
            queue: processor,
            api: 'constructor(...) { }',
            replacement: 'constructor(...) { super(); } (a WorkerHost subclass must call super())',
          });
        }
      }
      for (const fn of cls.methods.values()) {
        for (const decorator of fn.decorators as AnyNode[]) {
          const name = this.inference.decoratorName(decorator, this.file);
          if (!name) continue;
          if (name === 'Process') {
            this.emit(NESTJS_RULES.process, decorator, { queue: processor, api: decoratorText(decorator, name) });
            continue;
          }
          const event = nestEvent(name);
          if (!event) continue;
          const eventName = event.event || (literalString(callArgs(decorator)[0]) ?? 'event');
          if (event.global)
            this.emit(NESTJS_RULES.globalEvent, decorator, {
              queue: processor,
              api: `@${name}()`,
              replacement: `@OnQueueEvent('${eventName.replace(/^global:/, '')}') in a @QueueEventsListener class extending QueueEventsHost`,
            });
          else this.emit(NESTJS_RULES.workerEvent, decorator, { queue: processor, api: `@${name}()`, replacement: `@OnWorkerEvent('${eventName}')` });
        }
      }
    }
  }

  decoratorQueue(decorator: AnyNode): string | null {
    return decoratorQueue(decorator, this.file, this.inference);
  }

  /** A reference to Bull's types that BullMQ renamed or removed. */
  typeReference(node: AnyNode): void {
    const typeName = node.typeName as AnyNode;
    if (typeName.type === 'TSQualifiedName') {
      if (this.inference.kindOf(typeName.left, this.file) !== KIND.bullClass) return;
      const name = typeName.right.name as string;
      const left = typeName.left as AnyNode;
      this.emit(BULL_RULES.types, node, { api: `${left.name ?? 'Bull'}.${name}`, replacement: `${renamed(name)} from 'bullmq'` });
      return;
    }
    const kind = this.inference.kindOf(typeName, this.file);
    const name = kind?.startsWith('bull-type:') ? kind.slice('bull-type:'.length) : null;
    if (name && name in RENAMES) this.emit(BULL_RULES.types, node, { api: name, replacement: `${renamed(name)} from 'bullmq'` });
  }
}

function renamed(name: string): string {
  return RENAMES[name] ?? name;
}

function callArgs(decorator: AnyNode): AnyNode[] {
  const expression = unwrap(decorator.type === 'Decorator' ? decorator.expression : decorator);
  return expression?.type === 'CallExpression' ? expression.arguments : [];
}

function decoratorText(decorator: AnyNode, name: string): string {
  const first = callArgs(decorator)[0];
  const label = literalString(first);
  return label !== null ? `@${name}('${label}')` : first ? `@${name}({ ... })` : `@${name}()`;
}

function processApi(args: AnyNode[]): string {
  const first = unwrap(args[0]);
  const named = first && (first.type === 'StringLiteral' || first.type === 'TemplateLiteral');
  const last = unwrap(args[args.length - 1]);
  const file =
    last && (last.type === 'StringLiteral' || last.type === 'TemplateLiteral' || (last.type === 'CallExpression' && memberName(last.callee) === 'join'));
  return `queue.process(${named ? 'name, ' : ''}${args.length > (named ? 2 : 1) ? 'concurrency, ' : ''}${file ? 'processorFile' : 'handler'})`;
}

/** The queue of `@Processor('name')` / `@Processor({ name })` / `@InjectQueue('name')`. */
export function decoratorQueue(decorator: AnyNode, file: FileModel, inference: Inference): string | null {
  const first = callArgs(decorator)[0];
  const object = objectLiteral(first, file, inference);
  if (object) {
    const name = object.properties.find((entry: AnyNode) => entry.type === 'ObjectProperty' && propertyName(entry.key, entry.computed) === 'name');
    return name ? resolveString(name.value, file, inference) : null;
  }
  return first ? resolveString(first, file, inference) : null;
}
