/** Classes and functions: fields, methods, parameters (decorated, annotated, parameter properties), bodies. */
import { isFunction, propertyName, unwrap, type AnyNode } from './ast.js';
import type { BinderPort as Binder } from './binder-port.js';
import { newSym, patternNames } from './bind-names.js';
import type { ClassInfo, FnInfo, Sym } from './model.js';

export function bindClass(b: Binder, node: AnyNode, sym: Sym | null): void {
  const info: ClassInfo = {
    key: `${b.index}:${b.model.classes.length}`,
    name: node.id?.name ?? sym?.name ?? 'anonymous',
    node,
    file: b.index,
    superClass: node.superClass ?? null,
    fields: new Map(),
    methods: new Map(),
    decorators: node.decorators ?? [],
  };
  b.model.classes.push(info);
  if (sym) sym.cls = info;
  for (const decorator of info.decorators) b.walk(decorator);
  if (node.superClass) b.walk(node.superClass);
  const savedClass = b.currentClass;
  b.currentClass = info;
  try {
    for (const member of node.body.body) {
      const key = member.key ? propertyName(member.key, member.computed) : null;
      for (const decorator of member.decorators ?? []) b.walk(decorator);
      if (member.type === 'ClassProperty' || member.type === 'ClassPrivateProperty' || member.type === 'ClassAccessorProperty') {
        if (key === null) continue;
        const field = info.fields.get(key) ?? newSym(key, b.index);
        info.fields.set(key, field);
        if (member.typeAnnotation) {
          b.model.facts.push({ t: 'annotation', target: field, type: member.typeAnnotation, file: b.index });
          b.walk(member.typeAnnotation);
        }
        if (member.value) {
          if (isFunction(unwrap(member.value))) field.fn = b.functionInfo(unwrap(member.value) as AnyNode);
          b.assign(field, member.value);
          b.walk(member.value);
        }
      } else if (member.type === 'ClassMethod' || member.type === 'ClassPrivateMethod' || member.type === 'TSDeclareMethod') {
        const fn = b.functionInfo(member);
        fn.owner = info;
        if (key !== null) info.methods.set(member.kind === 'constructor' ? 'constructor' : key, fn);
        if (member.type !== 'TSDeclareMethod') bindFunction(b, member, fn, info);
      } else if (member.type === 'StaticBlock') {
        b.withScope(() => b.walkStatements(member.body));
      }
    }
  } finally {
    b.currentClass = savedClass;
  }
}

export function bindParam(b: Binder, param: AnyNode, fn: FnInfo, owner: ClassInfo | null): void {
  const inner = param.type === 'TSParameterProperty' ? param.parameter : param;
  const target = inner.type === 'AssignmentPattern' ? inner.left : inner;
  for (const decorator of [...(param.decorators ?? []), ...(inner.decorators ?? [])]) b.walk(decorator);
  if (target.type !== 'Identifier') {
    fn.params.push(null);
    for (const id of patternNames(target)) b.declare(id.name);
    b.walk(target);
    if (inner.type === 'AssignmentPattern') b.walk(inner.right);
    return;
  }
  const sym = b.declare(target.name);
  fn.params.push(sym);
  if (target.typeAnnotation) {
    b.model.facts.push({ t: 'annotation', target: sym, type: target.typeAnnotation, file: b.index });
    b.walk(target.typeAnnotation);
  }
  for (const decorator of [...(param.decorators ?? []), ...(target.decorators ?? [])])
    b.model.facts.push({ t: 'inject', target: sym, decorator, file: b.index });
  if (inner.type === 'AssignmentPattern') {
    b.assign(sym, inner.right);
    b.walk(inner.right);
  }
  // `constructor(private readonly queue: Queue)`: the parameter is also a field of the class.
  if (param.type === 'TSParameterProperty' && owner) owner.fields.set(target.name, sym);
}

export function bindFunction(b: Binder, node: AnyNode, fn: FnInfo, owner: ClassInfo | null): void {
  const savedFn = b.currentFn;
  const savedClass = b.currentClass;
  b.currentFn = fn;
  // Arrow functions keep the enclosing `this`; other functions outside a class body have none we know.
  if (node.type !== 'ArrowFunctionExpression') b.currentClass = owner;
  try {
    b.withScope(() => {
      if (node.type === 'FunctionExpression' && node.id) b.declare(node.id.name);
      for (const param of node.params) bindParam(b, param, fn, owner);
      if (node.body.type === 'BlockStatement') {
        b.predeclare(node.body.body);
        b.walkStatements(node.body.body);
      } else {
        fn.returns.push(node.body);
        b.walk(node.body);
      }
    });
  } finally {
    b.currentFn = savedFn;
    b.currentClass = savedClass;
  }
}
