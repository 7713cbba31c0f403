/**
 * The second walk over a file, after inference: every node whose value comes from a followed
 * library is checked against the rules, and every queue name the code uses is collected. Pure.
 */
import { forEachChild, memberName, position, propertyName, requireSpecifier, unwrap, type AnyNode } from './ast.js';
import { makeFinding, type Finding } from './findings.js';
import type { Inference } from './infer.js';
import { KIND, awaited, namedOf } from './kinds.js';
import { trackedModule, type TrackedModule } from './libraries.js';
import { BullMatcher, decoratorQueue, type Emit } from './match-bull.js';
import { RedisMatcher } from './match-redis.js';
import type { FileModel, Sym } from './model.js';
import { objectLiteral, resolveString, stringPrefix } from './names.js';
import { BULL_RULES } from './rules/bull.js';
import { NESTJS_RULES } from './rules/nestjs.js';
import type { Rule } from './rules/types.js';

/** A place in the code that names a queue. */
export interface QueueUse {
  /** Null when the name is only known at run time. */
  name: string | null;
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  via: 'new Queue' | 'BullModule.registerQueue' | '@Processor' | '@InjectQueue' | 'getQueueToken';
  /** The expression, as written, when the name is not known. */
  expression?: string;
}

/** An ioredis command on a key the scan can (partly) read: for the phase 1 part of code.legacy-usage. */
export interface RedisKeyUse {
  file: string;
  line: number;
  method: string;
  /** The key, or its known start when `exact` is false. */
  key: string;
  exact: boolean;
}

export interface FileScan {
  findings: Finding[];
  redisKeys: RedisKeyUse[];
  queues: QueueUse[];
  /** Whether the file imports Bull or @nestjs/bull (at run time, not only types). */
  importsBull: boolean;
}

const IMPORT_RULES: Partial<Record<TrackedModule, Rule>> = {
  bull: BULL_RULES.import,
  '@nestjs/bull': NESTJS_RULES.import,
  '@bull-board/api/bullAdapter': BULL_RULES.board,
};

/**
 * Which queue each queue variable, field and injected parameter stands for, from every file (a
 * queue created in one file is used in others). Call for all files before `scanFile`.
 */
export function nameQueueSymbols(file: FileModel, inference: Inference, into: Map<Sym, string>): void {
  for (const fact of file.facts) {
    if (fact.t === 'inject' && inference.decoratorName(fact.decorator as AnyNode, file) === 'InjectQueue') {
      const name = decoratorQueue(fact.decorator as AnyNode, file, inference);
      if (name) into.set(fact.target, name);
    } else if (fact.t === 'assign' && fact.target.kind === KIND.bullQueue) {
      const value = unwrap(fact.expr as AnyNode);
      if (value && (value.type === 'NewExpression' || value.type === 'CallExpression') && inference.kindOf(value.callee, file) === KIND.bullClass) {
        const name = resolveString(value.arguments[0], file, inference);
        if (name) into.set(fact.target, name);
      }
    }
  }
}

export function scanFile(file: FileModel, inference: Inference, text: string, symQueues: Map<Sym, string> = new Map()): FileScan {
  const findings: Finding[] = [];
  const queues: QueueUse[] = [];
  const redisKeys: RedisKeyUse[] = [];
  const seen = new Set<string>();
  const emit: Emit = (rule, node, extra = {}) => {
    const span = position(node);
    if (extra.endLine && extra.endLine > span.line) span.endLine = extra.endLine;
    const key = `${rule.id}:${span.line}:${span.column}`;
    if (seen.has(key)) return;
    seen.add(key);
    findings.push(makeFinding(rule, file.path, span, extra));
  };
  const queueOf = (node: AnyNode): string | null => {
    const sym = inference.symOf(node, file);
    return sym ? (symQueues.get(sym) ?? null) : null;
  };
  const addQueue = (name: string | null, node: AnyNode, via: QueueUse['via'], nameNode: AnyNode | null | undefined = node) => {
    const expression = name === null ? (nameNode ? sourceLine(text, nameNode) : '') : undefined;
    queues.push({ name, file: file.path, ...position(node), via, ...(expression ? { expression } : {}) });
  };
  const bull = new BullMatcher(file, inference, emit, queueOf);
  const redis = new RedisMatcher(file, inference, emit);
  let importsBull = false;
  const hasBoard = file.usesLibrary;

  for (const entry of file.imports) {
    // Type-only imports count too: they stop compiling once bull is uninstalled.
    if (entry.module === 'bull' || entry.module === '@nestjs/bull') importsBull = true;
    const rule = IMPORT_RULES[entry.module];
    if (rule && (entry.module !== '@bull-board/api/bullAdapter' || entry.names.includes('BullAdapter')))
      emit(rule, entry.node as AnyNode, { api: sourceLine(text, entry.node as AnyNode) });
  }
  for (const fact of file.facts) {
    if (fact.t === 'inject' && inference.decoratorName(fact.decorator as AnyNode, file) === 'InjectQueue') {
      addQueue(bull.decoratorQueue(fact.decorator as AnyNode), fact.decorator as AnyNode, '@InjectQueue', decoratorArgument(fact.decorator as AnyNode));
    }
  }
  for (const cls of file.classes) {
    for (const decorator of cls.decorators as AnyNode[]) {
      if (inference.decoratorName(decorator, file) === 'Processor')
        addQueue(bull.decoratorQueue(decorator), decorator, '@Processor', decoratorArgument(decorator));
    }
  }
  bull.classes();

  const visit = (node: AnyNode): void => {
    switch (node.type) {
      case 'NewExpression':
      case 'CallExpression':
      case 'OptionalCallExpression':
        call(node);
        break;
      case 'MemberExpression':
      case 'OptionalMemberExpression':
        if (memberName(node) === 'queue' && inference.kindOf(node.object, file) === KIND.bullJob) emit(BULL_RULES.jobQueue, node);
        break;
      case 'TSTypeReference':
        bull.typeReference(node);
        break;
      case 'Identifier':
        if (hasBoard && inference.symKind(file.refs.get(node) ?? null) === KIND.boardAdapterClass) emit(BULL_RULES.board, node, { api: 'BullAdapter' });
        break;
    }
    forEachChild(node, visit);
  };

  const call = (node: AnyNode): void => {
    const specifier = requireSpecifier(node);
    if (specifier !== null) {
      const tracked = trackedModule(specifier);
      const rule = tracked ? IMPORT_RULES[tracked] : undefined;
      if (tracked === 'bull' || tracked === '@nestjs/bull') importsBull = true;
      if (rule) emit(rule, node, { api: sourceLine(text, node) });
      return;
    }
    const callee = unwrap(node.callee) as AnyNode;
    const calleeKind = inference.kindOf(callee, file);
    if (calleeKind === KIND.bullClass) {
      bull.construction(node);
      addQueue(resolveString(node.arguments[0], file, inference), node.arguments[0] ?? node, 'new Queue');
      return;
    }
    if (node.type === 'NewExpression') {
      if (calleeKind === KIND.ioredisClass || calleeKind === KIND.ioredisClusterClass) redis.construction(node, calleeKind === KIND.ioredisClusterClass);
      return;
    }
    if (calleeKind === KIND.bullDone) {
      emit(BULL_RULES.done, node, { api: 'done(err, result)' });
      return;
    }
    if (namedOf(calleeKind, 'nestbull:') === 'getQueueToken')
      addQueue(resolveString(node.arguments[0], file, inference), node, 'getQueueToken', node.arguments[0]);
    redis.jsonParse(node);
    if (callee.type !== 'MemberExpression' && callee.type !== 'OptionalMemberExpression') return;
    const method = memberName(callee);
    if (method === null) return;
    const receiver = awaited(inference.kindOf(callee.object, file));
    if (receiver === KIND.bullQueue) {
      if (method === 'process') rememberJobQueue(node.arguments, queueOf(callee.object));
      bull.queueCall(node, method, callee.object);
    } else if (receiver === KIND.bullJob) {
      bull.jobCall(node, method, queueOf(callee.object));
    } else if (receiver === KIND.ioredis || receiver === KIND.ioredisBatch) {
      redis.ioredisCall(node, method, receiver);
      const key = stringPrefix(node.arguments[0], file, inference);
      if (key?.text) redisKeys.push({ file: file.path, line: position(node).line, method, key: key.text, exact: key.exact });
    } else if (receiver === KIND.upstash) {
      redis.upstashCall(node, method, receiver);
    } else if (namedOf(receiver, 'nestbull:') === 'BullModule') {
      bull.moduleCall(node, method);
      if (method.startsWith('registerQueue')) {
        for (const arg of node.arguments as AnyNode[]) {
          const object = objectLiteral(arg, file, inference);
          const name = object?.properties.find((entry: AnyNode) => entry.type === 'ObjectProperty' && propertyName(entry.key, entry.computed) === 'name');
          if (object) addQueue(name ? resolveString(name.value, file, inference) : null, name ?? object, 'BullModule.registerQueue', name?.value);
        }
      }
    }
  };

  /** Jobs handed to a process handler belong to that queue. */
  const rememberJobQueue = (args: AnyNode[], queue: string | null) => {
    if (!queue) return;
    for (const arg of args) {
      const job = inference.fnOf(arg, file)?.params[0];
      if (job) symQueues.set(job, queue);
    }
  };

  // Nest processors: jobs in their methods belong to the @Processor's queue.
  for (const cls of file.classes) {
    const decorator = (cls.decorators as AnyNode[]).find((entry) => inference.decoratorName(entry, file) === 'Processor');
    const name = decorator ? bull.decoratorQueue(decorator) : null;
    if (!name) continue;
    for (const fn of cls.methods.values()) {
      const job = fn.params[0];
      if (job && job.kind === KIND.bullJob) symQueues.set(job, name);
    }
  }

  visit(file.ast.program as AnyNode);
  return { findings, redisKeys, queues, importsBull };
}

/** The code as written, for `api`: the node's first line, shortened. */
function sourceLine(text: string, node: AnyNode): string {
  const line =
    text
      .slice(node.start ?? 0, node.end ?? 0)
      .split('\n')[0]
      ?.trim() ?? '';
  return line.length > 120 ? `${line.slice(0, 117)}...` : line;
}

function decoratorArgument(decorator: AnyNode): AnyNode | undefined {
  const expression = unwrap(decorator.type === 'Decorator' ? decorator.expression : decorator);
  return expression?.type === 'CallExpression' ? expression.arguments[0] : undefined;
}
