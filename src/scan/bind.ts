/**
 * One walk per file: declares every name in its scope, links each reference to the name it means,
 * and records the facts inference needs (what flows into which name). Pure: AST in, model out.
 */
import type { File } from '@babel/types';
import { forEachChild, isFunction, literalString, propertyName, unwrap, type AnyNode } from './ast.js';
import { moduleValue, namedExport, trackedModule } from './libraries.js';
import type { ClassInfo, FileModel, FnInfo, Sym } from './model.js';

interface Scope {
  parent: Scope | null;
  names: Map<string, Sym>;
}

export type ResolveLocal = (specifier: string) => number | null;

function newSym(name: string, file: number): Sym {
  return { name, kind: null, fixed: false, file };
}

/** Names a pattern declares: `a`, `{ a, b: c }`, `[a, ...rest]`, `a = 1`. */
function patternNames(node: AnyNode | null | undefined, out: AnyNode[] = []): AnyNode[] {
  if (!node) return out;
  switch (node.type) {
    case 'Identifier':
      out.push(node);
      break;
    case 'ObjectPattern':
      for (const property of node.properties) patternNames(property.type === 'RestElement' ? property.argument : property.value, out);
      break;
    case 'ArrayPattern':
      for (const element of node.elements) patternNames(element, out);
      break;
    case 'AssignmentPattern':
      patternNames(node.left, out);
      break;
    case 'RestElement':
      patternNames(node.argument, out);
      break;
    case 'TSParameterProperty':
      patternNames(node.parameter, out);
      break;
  }
  return out;
}

export function bindFile(index: number, path: string, ast: File, resolveFile: ResolveLocal): FileModel {
  const model: FileModel = {
    index,
    path,
    ast,
    refs: new WeakMap(),
    thisClass: new WeakMap(),
    exportsSym: { ...newSym('module.exports', index), props: new Map() },
    starFrom: [],
    imports: [],
    usesLibrary: false,
    deps: new Set(),
    facts: [],
    functions: new WeakMap(),
    functionList: [],
    classes: [],
  };
  const exportsProps = model.exportsSym.props as Map<string, Sym>;
  const resolveLocal: ResolveLocal = (specifier) => {
    const found = resolveFile(specifier);
    if (found !== null) model.deps.add(found);
    return found;
  };
  let scope: Scope = { parent: null, names: new Map() };
  let currentFn: FnInfo | null = null;
  let currentClass: ClassInfo | null = null;

  const lookup = (name: string): Sym | null => {
    for (let s: Scope | null = scope; s; s = s.parent) {
      const found = s.names.get(name);
      if (found) return found;
    }
    return null;
  };
  const declare = (name: string): Sym => {
    const existing = scope.names.get(name);
    if (existing) return existing;
    const sym = newSym(name, index);
    scope.names.set(name, sym);
    return sym;
  };
  const withScope = (run: () => void) => {
    const saved = scope;
    scope = { parent: saved, names: new Map() };
    try {
      run();
    } finally {
      scope = saved;
    }
  };
  const assign = (target: Sym, expr: AnyNode) => {
    target.init ??= expr;
    model.facts.push({ t: 'assign', target, expr, file: index });
    const value = unwrap(expr);
    if (value?.type === 'ObjectExpression') giveProps(target, value);
  };
  const giveProps = (target: Sym, object: AnyNode) => {
    target.props ??= new Map();
    for (const property of object.properties) {
      if (property.type !== 'ObjectProperty' && property.type !== 'ObjectMethod') continue;
      const key = propertyName(property.key, property.computed);
      if (key === null) continue;
      let prop = target.props.get(key);
      if (!prop) {
        prop = newSym(key, index);
        target.props.set(key, prop);
      }
      if (property.type === 'ObjectMethod') prop.fn = functionInfo(property);
      else if (property.shorthand && property.value.type === 'Identifier') {
        const named = lookup(property.value.name);
        if (named) target.props.set(key, named);
      } else {
        if (isFunction(unwrap(property.value))) prop.fn = functionInfo(unwrap(property.value) as AnyNode);
        assign(prop, property.value);
      }
    }
  };
  const propOf = (owner: Sym, key: string): Sym => {
    owner.props ??= new Map();
    let prop = owner.props.get(key);
    if (!prop) {
      prop = newSym(key, index);
      owner.props.set(key, prop);
    }
    return prop;
  };
  const functionInfo = (node: AnyNode): FnInfo => {
    let info = model.functions.get(node);
    if (!info) {
      info = { node, params: [], returns: [], async: Boolean(node.async), kind: null, owner: null, decorators: node.decorators ?? [] };
      model.functions.set(node, info);
      model.functionList.push(info);
    }
    return info;
  };

  /** Declares what a statement list declares before walking it (hoisting, and uses before declarations). */
  const predeclare = (statements: readonly AnyNode[]) => {
    for (const raw of statements) {
      const statement = raw.type === 'ExportNamedDeclaration' || raw.type === 'ExportDefaultDeclaration' ? (raw.declaration ?? raw) : raw;
      switch (statement.type) {
        case 'VariableDeclaration':
          for (const declarator of statement.declarations) for (const id of patternNames(declarator.id)) declare(id.name);
          break;
        case 'FunctionDeclaration':
        case 'ClassDeclaration':
        case 'TSEnumDeclaration':
        case 'TSImportEqualsDeclaration':
          if (statement.id) declare(statement.id.name);
          break;
        case 'ImportDeclaration':
          for (const specifier of statement.specifiers) declare(specifier.local.name);
          break;
      }
    }
  };

  const bindImport = (node: AnyNode) => {
    const specifier: string = node.source.value;
    const tracked = trackedModule(specifier);
    const local = tracked ? null : resolveLocal(specifier);
    const names: string[] = [];
    for (const spec of node.specifiers) {
      const sym = declare(spec.local.name);
      const name = spec.type === 'ImportDefaultSpecifier' ? 'default' : spec.type === 'ImportNamespaceSpecifier' ? '*' : (propertyName(spec.imported, false) ?? spec.local.name);
      names.push(name);
      if (tracked) {
        sym.kind = name === '*' || (name === 'default' && tracked !== 'ioredis') ? moduleValue(tracked) : namedExport(tracked, name);
        sym.fixed = true;
      } else if (local !== null) {
        sym.link = name === '*' ? { file: local, namespace: true } : { file: local, name };
      }
    }
    if (tracked) model.imports.push({ module: tracked, node, names });
  };

  const bindClass = (node: AnyNode, sym: Sym | null) => {
    const info: ClassInfo = {
      key: `${index}:${model.classes.length}`,
      name: node.id?.name ?? sym?.name ?? 'anonymous',
      node,
      file: index,
      superClass: node.superClass ?? null,
      fields: new Map(),
      methods: new Map(),
      decorators: node.decorators ?? [],
    };
    model.classes.push(info);
    if (sym) sym.cls = info;
    for (const decorator of info.decorators) walk(decorator);
    if (node.superClass) walk(node.superClass);
    const savedClass = currentClass;
    currentClass = info;
    try {
      for (const member of node.body.body) {
        const key = member.key ? propertyName(member.key, member.computed) : null;
        for (const decorator of member.decorators ?? []) walk(decorator);
        if (member.type === 'ClassProperty' || member.type === 'ClassPrivateProperty' || member.type === 'ClassAccessorProperty') {
          if (key === null) continue;
          const field = info.fields.get(key) ?? newSym(key, index);
          info.fields.set(key, field);
          if (member.typeAnnotation) {
            model.facts.push({ t: 'annotation', target: field, type: member.typeAnnotation, file: index });
            walk(member.typeAnnotation);
          }
          if (member.value) {
            if (isFunction(unwrap(member.value))) field.fn = functionInfo(unwrap(member.value) as AnyNode);
            assign(field, member.value);
            walk(member.value);
          }
        } else if (member.type === 'ClassMethod' || member.type === 'ClassPrivateMethod' || member.type === 'TSDeclareMethod') {
          const fn = functionInfo(member);
          fn.owner = info;
          if (key !== null) info.methods.set(member.kind === 'constructor' ? 'constructor' : key, fn);
          if (member.type !== 'TSDeclareMethod') bindFunction(member, fn, info);
        } else if (member.type === 'StaticBlock') {
          withScope(() => walkStatements(member.body));
        }
      }
    } finally {
      currentClass = savedClass;
    }
  };

  const bindParam = (param: AnyNode, fn: FnInfo, owner: ClassInfo | null) => {
    const inner = param.type === 'TSParameterProperty' ? param.parameter : param;
    const target = inner.type === 'AssignmentPattern' ? inner.left : inner;
    for (const decorator of [...(param.decorators ?? []), ...(inner.decorators ?? [])]) walk(decorator);
    if (target.type !== 'Identifier') {
      fn.params.push(null);
      for (const id of patternNames(target)) declare(id.name);
      walk(target);
      if (inner.type === 'AssignmentPattern') walk(inner.right);
      return;
    }
    const sym = declare(target.name);
    fn.params.push(sym);
    if (target.typeAnnotation) {
      model.facts.push({ t: 'annotation', target: sym, type: target.typeAnnotation, file: index });
      walk(target.typeAnnotation);
    }
    for (const decorator of [...(param.decorators ?? []), ...(target.decorators ?? [])]) model.facts.push({ t: 'inject', target: sym, decorator, file: index });
    if (inner.type === 'AssignmentPattern') {
      assign(sym, inner.right);
      walk(inner.right);
    }
    // `constructor(private readonly queue: Queue)`: the parameter is also a field of the class.
    if (param.type === 'TSParameterProperty' && owner) owner.fields.set(target.name, sym);
  };

  const bindFunction = (node: AnyNode, fn: FnInfo, owner: ClassInfo | null) => {
    const savedFn = currentFn;
    const savedClass = currentClass;
    currentFn = fn;
    // Arrow functions keep the enclosing `this`; other functions outside a class body have none we know.
    if (node.type !== 'ArrowFunctionExpression') currentClass = owner;
    try {
      withScope(() => {
        if (node.type === 'FunctionExpression' && node.id) declare(node.id.name);
        for (const param of node.params) bindParam(param, fn, owner);
        if (node.body.type === 'BlockStatement') {
          predeclare(node.body.body);
          walkStatements(node.body.body);
        } else {
          fn.returns.push(node.body);
          walk(node.body);
        }
      });
    } finally {
      currentFn = savedFn;
      currentClass = savedClass;
    }
  };

  const bindDeclarator = (declarator: AnyNode) => {
    const { id } = declarator;
    const init = declarator.init as AnyNode | null;
    if (id.type === 'Identifier') {
      const sym = lookup(id.name) ?? declare(id.name);
      if (id.typeAnnotation) {
        model.facts.push({ t: 'annotation', target: sym, type: id.typeAnnotation, file: index });
        walk(id.typeAnnotation);
      }
      if (init) {
        const value = unwrap(init);
        if (value && isFunction(value)) sym.fn = functionInfo(value);
        if (value && value.type === 'ClassExpression') {
          bindClass(value, sym);
          return;
        }
        assign(sym, init);
      }
    } else {
      for (const name of patternNames(id)) lookup(name.name) ?? declare(name.name);
      if (init) model.facts.push({ t: 'destructure', pattern: id, expr: init, file: index });
      walk(id);
    }
    if (init) walk(init);
  };

  const bindAssignment = (node: AnyNode) => {
    const left = node.left as AnyNode;
    if (node.operator !== '=' && node.operator !== '||=' && node.operator !== '??=') return;
    if (left.type === 'Identifier') {
      const sym = lookup(left.name);
      if (sym) assign(sym, node.right);
      return;
    }
    if (left.type === 'ObjectPattern') {
      model.facts.push({ t: 'destructure', pattern: left, expr: node.right, file: index });
      return;
    }
    if (left.type !== 'MemberExpression') return;
    const object = unwrap(left.object) as AnyNode;
    const key = propertyName(left.property, left.computed);
    // module.exports = x; module.exports.a = x; exports.a = x
    const isModuleExports = object.type === 'MemberExpression' && object.object.type === 'Identifier' && object.object.name === 'module' && propertyName(object.property, object.computed) === 'exports';
    if (object.type === 'Identifier' && object.name === 'module' && key === 'exports') {
      assign(model.exportsSym, node.right);
      const value = unwrap(node.right);
      if (value?.type === 'Identifier') {
        const named = lookup(value.name);
        if (named?.props) for (const [name, prop] of named.props) exportsProps.set(name, prop);
      }
      return;
    }
    if (key !== null && (isModuleExports || (object.type === 'Identifier' && object.name === 'exports' && !lookup('exports')))) {
      assign(propOf(model.exportsSym, key), node.right);
      return;
    }
    if (object.type === 'ThisExpression' && currentClass && key !== null) {
      const field = currentClass.fields.get(key) ?? newSym(key, index);
      currentClass.fields.set(key, field);
      assign(field, node.right);
      return;
    }
    if (object.type === 'Identifier') {
      const owner = lookup(object.name);
      if (!owner) return;
      if (key !== null) assign(propOf(owner, key), node.right);
      else model.facts.push({ t: 'collect', target: owner, expr: node.right, file: index });
    }
  };

  const bindExport = (node: AnyNode) => {
    if (node.type === 'ExportAllDeclaration') {
      const target = resolveLocal(node.source.value);
      if (target === null) return;
      if (node.exported) exportsProps.set(propertyName(node.exported, false) ?? 'default', { ...newSym(node.exported.name, index), link: { file: target, namespace: true } });
      else model.starFrom.push(target);
      return;
    }
    if (node.type === 'ExportDefaultDeclaration') {
      const declaration = node.declaration as AnyNode;
      if ((declaration.type === 'FunctionDeclaration' || declaration.type === 'ClassDeclaration') && declaration.id) {
        walk(declaration);
        const sym = lookup(declaration.id.name);
        if (sym) exportsProps.set('default', sym);
        return;
      }
      const sym = newSym('default', index);
      const value = unwrap(declaration);
      if (value && isFunction(value)) sym.fn = functionInfo(value);
      if (value?.type === 'ClassDeclaration' || value?.type === 'ClassExpression') {
        bindClass(value, sym);
      } else {
        assign(sym, declaration);
        walk(declaration);
      }
      exportsProps.set('default', sym);
      return;
    }
    // ExportNamedDeclaration
    if (node.declaration) {
      walk(node.declaration);
      const declaration = node.declaration as AnyNode;
      const ids = declaration.type === 'VariableDeclaration' ? declaration.declarations.flatMap((d: AnyNode) => patternNames(d.id)) : declaration.id ? [declaration.id] : [];
      for (const id of ids) {
        const sym = lookup(id.name);
        if (sym) exportsProps.set(id.name, sym);
      }
      return;
    }
    const source = node.source ? resolveLocal(node.source.value) : null;
    const tracked = node.source ? trackedModule(node.source.value) : null;
    for (const spec of node.specifiers ?? []) {
      const exported = propertyName(spec.exported, false) ?? 'default';
      if (spec.type === 'ExportNamespaceSpecifier') {
        if (source !== null) exportsProps.set(exported, { ...newSym(exported, index), link: { file: source, namespace: true } });
        continue;
      }
      const localName = propertyName(spec.local, false) ?? exported;
      if (tracked) {
        // Re-exporting a followed library (`export { Queue } from 'bull'`): the name keeps its kind.
        exportsProps.set(exported, { ...newSym(exported, index), kind: namedExport(tracked, localName), fixed: true });
        model.imports.push({ module: tracked, node, names: [localName] });
      } else if (source !== null) {
        exportsProps.set(exported, { ...newSym(exported, index), link: { file: source, name: localName } });
      } else if (!node.source) {
        const sym = lookup(localName);
        if (sym) exportsProps.set(exported, sym);
      }
    }
  };

  const walkStatements = (statements: readonly AnyNode[]) => {
    for (const statement of statements) walk(statement);
  };

  function walk(node: AnyNode | null | undefined): void {
    if (!node) return;
    switch (node.type) {
      case 'Identifier': {
        const sym = lookup(node.name);
        if (sym) model.refs.set(node, sym);
        if (node.typeAnnotation) walk(node.typeAnnotation);
        return;
      }
      case 'ThisExpression':
        if (currentClass) model.thisClass.set(node, currentClass);
        return;
      case 'ImportDeclaration':
        bindImport(node);
        return;
      case 'TSImportEqualsDeclaration': {
        const reference = node.moduleReference;
        if (reference.type !== 'TSExternalModuleReference') return;
        const sym = lookup(node.id.name) ?? declare(node.id.name);
        const tracked = trackedModule(reference.expression.value);
        if (tracked) {
          sym.kind = moduleValue(tracked);
          sym.fixed = true;
          model.imports.push({ module: tracked, node, names: ['*'] });
        } else {
          const local = resolveLocal(reference.expression.value);
          if (local !== null) sym.link = { file: local, namespace: true };
        }
        return;
      }
      case 'ExportNamedDeclaration':
      case 'ExportDefaultDeclaration':
      case 'ExportAllDeclaration':
        bindExport(node);
        return;
      case 'VariableDeclaration':
        for (const declarator of node.declarations) bindDeclarator(declarator);
        return;
      case 'FunctionDeclaration': {
        const sym = node.id ? (lookup(node.id.name) ?? declare(node.id.name)) : null;
        const fn = functionInfo(node);
        if (sym) sym.fn = fn;
        for (const decorator of node.decorators ?? []) walk(decorator);
        bindFunction(node, fn, null);
        return;
      }
      case 'ArrowFunctionExpression':
      case 'FunctionExpression':
      case 'ObjectMethod':
        if (node.type === 'ObjectMethod' && node.computed) walk(node.key);
        bindFunction(node, functionInfo(node), node.type === 'ArrowFunctionExpression' ? currentClass : null);
        return;
      case 'ClassDeclaration':
      case 'ClassExpression':
        bindClass(node, node.id ? (lookup(node.id.name) ?? (node.type === 'ClassDeclaration' ? declare(node.id.name) : null)) : null);
        return;
      case 'TSEnumDeclaration': {
        const sym = lookup(node.id.name) ?? declare(node.id.name);
        sym.props ??= new Map();
        for (const member of node.members) {
          const key = propertyName(member.id, false);
          if (key === null) continue;
          const prop = newSym(key, index);
          if (member.initializer) prop.init = member.initializer;
          sym.props.set(key, prop);
        }
        return;
      }
      case 'ReturnStatement':
        if (node.argument && currentFn) currentFn.returns.push(node.argument);
        walk(node.argument);
        return;
      case 'AssignmentExpression':
        bindAssignment(node);
        walk(node.left);
        walk(node.right);
        return;
      case 'CallExpression':
      case 'OptionalCallExpression':
      case 'NewExpression': {
        model.facts.push({ t: 'call', node, file: index });
        const required = node.type === 'CallExpression' && (node.callee.type === 'Import' || (node.callee.type === 'Identifier' && node.callee.name === 'require')) ? literalString(node.arguments[0]) : null;
        if (required !== null) {
          if (trackedModule(required)) model.usesLibrary = true;
          else resolveLocal(required);
        }
        walk(node.callee);
        for (const argument of node.arguments) walk(argument);
        return;
      }
      case 'BlockStatement':
      case 'StaticBlock':
        withScope(() => {
          predeclare(node.body);
          walkStatements(node.body);
        });
        return;
      case 'Program':
        predeclare(node.body);
        walkStatements(node.body);
        return;
      case 'ForStatement':
      case 'ForInStatement':
      case 'ForOfStatement':
        withScope(() => {
          const head = node.type === 'ForStatement' ? node.init : node.left;
          if (head?.type === 'VariableDeclaration') predeclare([head]);
          if (node.type === 'ForOfStatement') {
            const declared = head?.type === 'VariableDeclaration' ? head.declarations[0]?.id : head;
            if (declared?.type === 'Identifier') {
              const sym = lookup(declared.name);
              if (sym) model.facts.push({ t: 'element', target: sym, expr: node.right, file: index });
            }
            if (head?.type === 'VariableDeclaration') for (const declarator of head.declarations) walk(declarator.id);
            else walk(head);
            walk(node.right);
          } else {
            walk(head);
            if (node.type === 'ForStatement') {
              walk(node.test);
              walk(node.update);
            } else {
              walk(node.right);
            }
          }
          walk(node.body);
        });
        return;
      case 'CatchClause':
        withScope(() => {
          for (const id of patternNames(node.param)) declare(id.name);
          walk(node.body);
        });
        return;
      case 'MemberExpression':
      case 'OptionalMemberExpression':
        walk(node.object);
        if (node.computed) walk(node.property);
        return;
      case 'ObjectProperty':
        if (node.computed) walk(node.key);
        walk(node.value);
        return;
      case 'TSQualifiedName':
        walk(node.left);
        return;
      case 'LabeledStatement':
        walk(node.body);
        return;
      case 'BreakStatement':
      case 'ContinueStatement':
        return;
    }
    forEachChild(node, walk);
  }

  walk(ast.program as AnyNode);
  model.usesLibrary ||= model.imports.length > 0;
  return model;
}
