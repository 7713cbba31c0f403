/**
 * Teaches the symbols what they hold: re-reads the binder's facts (assignments, annotations,
 * destructuring, injected parameters, calls: callbacks the libraries call, containers, arguments
 * into parameters, function returns, NestJS handlers) until a round changes nothing. Pure.
 */
import { literalString, memberName, propertyName, unwrap, type AnyNode } from './ast.js';
import type { Inference } from './infer.js';
import { KIND, awaited, elementOf, listOf, namedOf, promiseOf, type Kind } from './kinds.js';
import { callbackParams, staticMember } from './libraries.js';
import type { ClassInfo, Fact, FileModel, FnInfo, Sym } from './model.js';
import { NEST_EVENT_PARAMS } from './rules/nestjs-events.js';

const LIST_CALLBACKS = new Set(['forEach', 'map', 'filter', 'find', 'findLast', 'some', 'every', 'flatMap']);
const MAX_ROUNDS = 12;

/** Runs the facts of every followed file until a round changes nothing (or MAX_ROUNDS). */
export function followValues(inference: Inference): void {
  const runner = new FactRunner(inference);
  for (let round = 0; round < MAX_ROUNDS; round++) {
    inference.forget();
    let changed = false;
    for (const file of inference.files) {
      if (!file) continue;
      for (const fact of file.facts) if (runner.apply(fact)) changed = true;
      for (const fn of file.functionList) if (runner.updateReturn(fn, file)) changed = true;
      for (const cls of file.classes) if (runner.nestMethods(cls, file)) changed = true;
    }
    if (!changed) break;
  }
  inference.forget();
}

class FactRunner {
  constructor(private readonly inference: Inference) {}

  /** The first kind learned for a symbol stays (annotations and decorators are never overridden). */
  private give(target: Sym | null, kind: Kind | null): boolean {
    if (!target || !kind || target.fixed || target.link || target.kind) return false;
    target.kind = kind;
    return true;
  }

  private fix(target: Sym | null, kind: Kind | null): boolean {
    if (!target || !kind || target.kind === kind) return false;
    if (target.fixed && target.kind) return false;
    target.kind = kind;
    target.fixed = true;
    return true;
  }

  apply(fact: Fact): boolean {
    const file = this.inference.files[fact.file] as FileModel;
    switch (fact.t) {
      case 'assign':
        return this.give(fact.target, this.inference.kindOf(fact.expr, file));
      case 'annotation':
        return this.fix(fact.target, this.inference.typeKind(fact.type, file));
      case 'element':
        return this.give(fact.target, elementOf(this.inference.kindOf(fact.expr, file)));
      case 'collect': {
        const kind = this.inference.kindOf(fact.expr, file);
        return this.give(fact.target, kind ? listOf(kind) : null);
      }
      case 'destructure':
        return this.destructure(fact.pattern as AnyNode, fact.expr as AnyNode, file);
      case 'inject': {
        const decorator = unwrap(fact.decorator as AnyNode) as AnyNode;
        const expression = decorator.type === 'Decorator' ? unwrap(decorator.expression) : decorator;
        const callee = expression?.type === 'CallExpression' ? expression.callee : expression;
        return namedOf(this.inference.kindOf(callee, file), 'nestbull:') === 'InjectQueue' ? this.fix(fact.target, KIND.bullQueue) : false;
      }
      case 'call':
        return this.callFacts(fact.node as AnyNode, file);
    }
  }

  private destructure(pattern: AnyNode, expr: AnyNode, file: FileModel): boolean {
    if (pattern.type !== 'ObjectPattern') return false;
    let changed = false;
    const source = this.inference.kindOf(expr, file);
    for (const property of pattern.properties) {
      if (property.type !== 'ObjectProperty') continue;
      const key = propertyName(property.key, property.computed);
      const value = property.value.type === 'AssignmentPattern' ? property.value.left : property.value;
      if (key === null || value.type !== 'Identifier') continue;
      const target = file.refs.get(value) ?? null;
      const viaSym = this.memberSymOfExpr(expr, key, file);
      const kind =
        this.inference.symKind(viaSym) ??
        staticMember(source, key) ??
        (source?.startsWith('mod:') ? this.inference.symKind(this.inference.exportOf(Number(source.slice(4)), key)) : null);
      if (target && viaSym && viaSym !== target && !target.alias && !target.fixed && !target.kind) {
        target.alias = viaSym;
        changed = true;
      } else if (this.give(target, kind)) changed = true;
    }
    return changed;
  }

  private memberSymOfExpr(expr: AnyNode, key: string, file: FileModel): Sym | null {
    const owner = this.inference.symOf(expr, file);
    if (owner?.props?.get(key)) return this.inference.target(owner.props.get(key) as Sym);
    const kind = this.inference.kindOf(expr, file);
    if (kind?.startsWith('mod:')) return this.inference.target(this.inference.exportOf(Number(kind.slice(4)), key));
    return null;
  }

  private callFacts(call: AnyNode, file: FileModel): boolean {
    let changed = false;
    const callee = unwrap(call.callee) as AnyNode;
    const args: AnyNode[] = call.arguments;
    if (callee.type === 'MemberExpression' || callee.type === 'OptionalMemberExpression') {
      const method = memberName(callee);
      if (method !== null) {
        const receiver = this.inference.kindOf(callee.object, file);
        // Callbacks the libraries call: queue.process(job => ...), queue.on('failed', (job, err) => ...)
        const params = callbackParams(receiver, method, literalString(args[0]));
        if (params) {
          const callback = method === 'process' ? [...args].reverse().find((arg) => this.inference.fnOf(arg, file)) : args[1];
          if (this.giveParams(this.inference.fnOf(callback, file), params)) changed = true;
        }
        const element = elementOf(receiver);
        if (element && LIST_CALLBACKS.has(method) && this.giveParams(this.inference.fnOf(args[0], file), [element])) changed = true;
        if (receiver?.startsWith('promise:') && method === 'then' && this.giveParams(this.inference.fnOf(args[0], file), [awaited(receiver)])) changed = true;
        // Containers: map.set(name, queue), list.push(queue), set.add(queue)
        if ((method === 'set' && args.length === 2) || ((method === 'push' || method === 'add' || method === 'unshift') && args.length === 1)) {
          const holder = this.inference.symOf(callee.object, file);
          const item = this.inference.kindOf(args[args.length - 1], file);
          if (holder && item && !holder.fixed && (holder.kind === null || holder.kind === listOf(item)) && !libraryReceiver(this.inference.symKind(holder))) {
            if (this.give(holder, listOf(item))) changed = true;
          }
        }
      }
    }
    // Arguments flow into the parameters of functions declared in the scanned code.
    const fn = call.type === 'NewExpression' ? this.constructorOf(call.callee, file) : this.inference.fnOf(callee, file);
    if (fn) {
      args.forEach((arg, i) => {
        if (this.give(fn.params[i] ?? null, this.inference.kindOf(arg, file))) changed = true;
      });
    }
    return changed;
  }

  private constructorOf(callee: AnyNode, file: FileModel): FnInfo | null {
    const kind = this.inference.kindOf(callee, file);
    const cls = kind?.startsWith('class:') ? this.inference.classes.get(kind.slice(6)) : undefined;
    return cls ? this.inference.method(cls, 'constructor') : null;
  }

  private giveParams(fn: FnInfo | null, kinds: readonly (Kind | null)[]): boolean {
    if (!fn) return false;
    let changed = false;
    kinds.forEach((kind, i) => {
      if (this.give(fn.params[i] ?? null, kind)) changed = true;
    });
    return changed;
  }

  updateReturn(fn: FnInfo, file: FileModel): boolean {
    if (fn.kind) return false;
    for (const expr of fn.returns) {
      const kind = this.inference.kindOf(expr, file);
      if (kind) {
        fn.kind = fn.async ? promiseOf(kind) : kind;
        return true;
      }
    }
    return false;
  }

  /** NestJS: `@Process()` and `@OnQueue*()` methods receive jobs from Bull. */
  nestMethods(cls: ClassInfo, file: FileModel): boolean {
    let changed = false;
    for (const fn of cls.methods.values()) {
      for (const decorator of fn.decorators) {
        const name = this.inference.decoratorName(decorator as AnyNode, file);
        if (name === 'Process' && this.giveParams(fn, [KIND.bullJob])) changed = true;
        const params = name ? NEST_EVENT_PARAMS[name] : undefined;
        if (params && this.giveParams(fn, params)) changed = true;
      }
    }
    return changed;
  }
}

/** A library object is never a container of our own values (`redis.set(k, queue)` is a command). */
function libraryReceiver(kind: Kind | null): boolean {
  return !!kind && !kind.startsWith('list:') && !kind.startsWith('mod:') && !kind.startsWith('inst:');
}
