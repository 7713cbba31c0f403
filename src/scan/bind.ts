/**
 * One walk per file: declares every name in its scope, links each reference to the name it means,
 * and records the facts inference needs (what flows into which name). Pure: AST in, model out.
 */
import type { File } from '@babel/types';
import { forEachChild, isFunction, literalString, propertyName, unwrap, type AnyNode } from './ast.js';
import { bindClass, bindFunction } from './bind-classes.js';
import { bindExport, bindImport } from './bind-modules.js';
import { newSym, patternNames } from './bind-names.js';
import { moduleValue, trackedModule } from './libraries.js';
import type { BinderPort } from './binder-port.js';
import type { ClassInfo, FileModel, FnInfo, Sym } from './model.js';

interface Scope {
  parent: Scope | null;
  names: Map<string, Sym>;
}

export type ResolveLocal = (specifier: string) => number | null;

/** The walk's state: the file's model, the scope chain, and the function and class it is inside. */
export class Binder implements BinderPort {
  readonly model: FileModel;
  readonly exportsProps: Map<string, Sym>;
  scope: Scope = { parent: null, names: new Map() };
  currentFn: FnInfo | null = null;
  currentClass: ClassInfo | null = null;

  constructor(
    readonly index: number,
    path: string,
    ast: File,
    private readonly resolveFile: ResolveLocal,
  ) {
    this.model = {
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
    this.exportsProps = this.model.exportsSym.props as Map<string, Sym>;
  }

  resolveLocal(specifier: string): number | null {
    const found = this.resolveFile(specifier);
    if (found !== null) this.model.deps.add(found);
    return found;
  }

  lookup(name: string): Sym | null {
    for (let s: Scope | null = this.scope; s; s = s.parent) {
      const found = s.names.get(name);
      if (found) return found;
    }
    return null;
  }
  declare(name: string): Sym {
    const existing = this.scope.names.get(name);
    if (existing) return existing;
    const sym = newSym(name, this.index);
    this.scope.names.set(name, sym);
    return sym;
  }
  withScope(run: () => void) {
    const saved = this.scope;
    this.scope = { parent: saved, names: new Map() };
    try {
      run();
    } finally {
      this.scope = saved;
    }
  }
  assign(target: Sym, expr: AnyNode) {
    target.init ??= expr;
    this.model.facts.push({ t: 'assign', target, expr, file: this.index });
    const value = unwrap(expr);
    if (value?.type === 'ObjectExpression') this.giveProps(target, value);
  }
  giveProps(target: Sym, object: AnyNode) {
    target.props ??= new Map();
    for (const property of object.properties) {
      if (property.type !== 'ObjectProperty' && property.type !== 'ObjectMethod') continue;
      const key = propertyName(property.key, property.computed);
      if (key === null) continue;
      let prop = target.props.get(key);
      if (!prop) {
        prop = newSym(key, this.index);
        target.props.set(key, prop);
      }
      if (property.type === 'ObjectMethod') prop.fn = this.functionInfo(property);
      else if (property.shorthand && property.value.type === 'Identifier') {
        const named = this.lookup(property.value.name);
        if (named) target.props.set(key, named);
      } else {
        if (isFunction(unwrap(property.value))) prop.fn = this.functionInfo(unwrap(property.value) as AnyNode);
        this.assign(prop, property.value);
      }
    }
  }
  propOf(owner: Sym, key: string): Sym {
    owner.props ??= new Map();
    let prop = owner.props.get(key);
    if (!prop) {
      prop = newSym(key, this.index);
      owner.props.set(key, prop);
    }
    return prop;
  }
  functionInfo(node: AnyNode): FnInfo {
    let info = this.model.functions.get(node);
    if (!info) {
      info = { node, params: [], returns: [], async: Boolean(node.async), kind: null, owner: null, decorators: node.decorators ?? [] };
      this.model.functions.set(node, info);
      this.model.functionList.push(info);
    }
    return info;
  }

  /** Declares what a statement list declares before walking it (hoisting, and uses before declarations). */
  predeclare(statements: readonly AnyNode[]) {
    for (const raw of statements) {
      const statement = raw.type === 'ExportNamedDeclaration' || raw.type === 'ExportDefaultDeclaration' ? (raw.declaration ?? raw) : raw;
      switch (statement.type) {
        case 'VariableDeclaration':
          for (const declarator of statement.declarations) for (const id of patternNames(declarator.id)) this.declare(id.name);
          break;
        case 'FunctionDeclaration':
        case 'ClassDeclaration':
        case 'TSEnumDeclaration':
        case 'TSImportEqualsDeclaration':
          if (statement.id) this.declare(statement.id.name);
          break;
        case 'ImportDeclaration':
          for (const specifier of statement.specifiers) this.declare(specifier.local.name);
          break;
      }
    }
  }

  bindDeclarator(declarator: AnyNode) {
    const { id } = declarator;
    const init = declarator.init as AnyNode | null;
    if (id.type === 'Identifier') {
      const sym = this.lookup(id.name) ?? this.declare(id.name);
      if (id.typeAnnotation) {
        this.model.facts.push({ t: 'annotation', target: sym, type: id.typeAnnotation, file: this.index });
        this.walk(id.typeAnnotation);
      }
      if (init) {
        const value = unwrap(init);
        if (value && isFunction(value)) sym.fn = this.functionInfo(value);
        if (value && value.type === 'ClassExpression') {
          bindClass(this, value, sym);
          return;
        }
        this.assign(sym, init);
      }
    } else {
      for (const name of patternNames(id)) this.lookup(name.name) ?? this.declare(name.name);
      if (init) this.model.facts.push({ t: 'destructure', pattern: id, expr: init, file: this.index });
      this.walk(id);
    }
    if (init) this.walk(init);
  }

  bindAssignment(node: AnyNode) {
    const left = node.left as AnyNode;
    if (node.operator !== '=' && node.operator !== '||=' && node.operator !== '??=') return;
    if (left.type === 'Identifier') {
      const sym = this.lookup(left.name);
      if (sym) this.assign(sym, node.right);
      return;
    }
    if (left.type === 'ObjectPattern') {
      this.model.facts.push({ t: 'destructure', pattern: left, expr: node.right, file: this.index });
      return;
    }
    if (left.type !== 'MemberExpression') return;
    const object = unwrap(left.object) as AnyNode;
    const key = propertyName(left.property, left.computed);
    // module.exports = x; module.exports.a = x; exports.a = x
    const isModuleExports =
      object.type === 'MemberExpression' &&
      object.object.type === 'Identifier' &&
      object.object.name === 'module' &&
      propertyName(object.property, object.computed) === 'exports';
    if (object.type === 'Identifier' && object.name === 'module' && key === 'exports') {
      this.assign(this.model.exportsSym, node.right);
      const value = unwrap(node.right);
      if (value?.type === 'Identifier') {
        const named = this.lookup(value.name);
        if (named?.props) for (const [name, prop] of named.props) this.exportsProps.set(name, prop);
      }
      return;
    }
    if (key !== null && (isModuleExports || (object.type === 'Identifier' && object.name === 'exports' && !this.lookup('exports')))) {
      this.assign(this.propOf(this.model.exportsSym, key), node.right);
      return;
    }
    if (object.type === 'ThisExpression' && this.currentClass && key !== null) {
      const field = this.currentClass.fields.get(key) ?? newSym(key, this.index);
      this.currentClass.fields.set(key, field);
      this.assign(field, node.right);
      return;
    }
    if (object.type === 'Identifier') {
      const owner = this.lookup(object.name);
      if (!owner) return;
      if (key !== null) this.assign(this.propOf(owner, key), node.right);
      else this.model.facts.push({ t: 'collect', target: owner, expr: node.right, file: this.index });
    }
  }

  walkStatements(statements: readonly AnyNode[]) {
    for (const statement of statements) this.walk(statement);
  }

  walk(node: AnyNode | null | undefined): void {
    if (!node) return;
    switch (node.type) {
      case 'Identifier': {
        const sym = this.lookup(node.name);
        if (sym) this.model.refs.set(node, sym);
        if (node.typeAnnotation) this.walk(node.typeAnnotation);
        return;
      }
      case 'ThisExpression':
        if (this.currentClass) this.model.thisClass.set(node, this.currentClass);
        return;
      case 'ImportDeclaration':
        bindImport(this, node);
        return;
      case 'TSImportEqualsDeclaration': {
        const reference = node.moduleReference;
        if (reference.type !== 'TSExternalModuleReference') return;
        const sym = this.lookup(node.id.name) ?? this.declare(node.id.name);
        const tracked = trackedModule(reference.expression.value);
        if (tracked) {
          sym.kind = moduleValue(tracked);
          sym.fixed = true;
          this.model.imports.push({ module: tracked, node, names: ['*'] });
        } else {
          const local = this.resolveLocal(reference.expression.value);
          if (local !== null) sym.link = { file: local, namespace: true };
        }
        return;
      }
      case 'ExportNamedDeclaration':
      case 'ExportDefaultDeclaration':
      case 'ExportAllDeclaration':
        bindExport(this, node);
        return;
      case 'VariableDeclaration':
        for (const declarator of node.declarations) this.bindDeclarator(declarator);
        return;
      case 'FunctionDeclaration': {
        const sym = node.id ? (this.lookup(node.id.name) ?? this.declare(node.id.name)) : null;
        const fn = this.functionInfo(node);
        if (sym) sym.fn = fn;
        for (const decorator of node.decorators ?? []) this.walk(decorator);
        bindFunction(this, node, fn, null);
        return;
      }
      case 'ArrowFunctionExpression':
      case 'FunctionExpression':
      case 'ObjectMethod':
        if (node.type === 'ObjectMethod' && node.computed) this.walk(node.key);
        bindFunction(this, node, this.functionInfo(node), node.type === 'ArrowFunctionExpression' ? this.currentClass : null);
        return;
      case 'ClassDeclaration':
      case 'ClassExpression':
        bindClass(this, node, node.id ? (this.lookup(node.id.name) ?? (node.type === 'ClassDeclaration' ? this.declare(node.id.name) : null)) : null);
        return;
      case 'TSEnumDeclaration': {
        const sym = this.lookup(node.id.name) ?? this.declare(node.id.name);
        sym.props ??= new Map();
        for (const member of node.members) {
          const key = propertyName(member.id, false);
          if (key === null) continue;
          const prop = newSym(key, this.index);
          if (member.initializer) prop.init = member.initializer;
          sym.props.set(key, prop);
        }
        return;
      }
      case 'ReturnStatement':
        if (node.argument && this.currentFn) this.currentFn.returns.push(node.argument);
        this.walk(node.argument);
        return;
      case 'AssignmentExpression':
        this.bindAssignment(node);
        this.walk(node.left);
        this.walk(node.right);
        return;
      case 'CallExpression':
      case 'OptionalCallExpression':
      case 'NewExpression': {
        this.model.facts.push({ t: 'call', node, file: this.index });
        const required =
          node.type === 'CallExpression' && (node.callee.type === 'Import' || (node.callee.type === 'Identifier' && node.callee.name === 'require'))
            ? literalString(node.arguments[0])
            : null;
        if (required !== null) {
          if (trackedModule(required)) this.model.usesLibrary = true;
          else this.resolveLocal(required);
        }
        this.walk(node.callee);
        for (const argument of node.arguments) this.walk(argument);
        return;
      }
      case 'BlockStatement':
      case 'StaticBlock':
        this.withScope(() => {
          this.predeclare(node.body);
          this.walkStatements(node.body);
        });
        return;
      case 'Program':
        this.predeclare(node.body);
        this.walkStatements(node.body);
        return;
      case 'ForStatement':
      case 'ForInStatement':
      case 'ForOfStatement':
        this.withScope(() => {
          const head = node.type === 'ForStatement' ? node.init : node.left;
          if (head?.type === 'VariableDeclaration') this.predeclare([head]);
          if (node.type === 'ForOfStatement') {
            const declared = head?.type === 'VariableDeclaration' ? head.declarations[0]?.id : head;
            if (declared?.type === 'Identifier') {
              const sym = this.lookup(declared.name);
              if (sym) this.model.facts.push({ t: 'element', target: sym, expr: node.right, file: this.index });
            }
            if (head?.type === 'VariableDeclaration') for (const declarator of head.declarations) this.walk(declarator.id);
            else this.walk(head);
            this.walk(node.right);
          } else {
            this.walk(head);
            if (node.type === 'ForStatement') {
              this.walk(node.test);
              this.walk(node.update);
            } else {
              this.walk(node.right);
            }
          }
          this.walk(node.body);
        });
        return;
      case 'CatchClause':
        this.withScope(() => {
          for (const id of patternNames(node.param)) this.declare(id.name);
          this.walk(node.body);
        });
        return;
      case 'MemberExpression':
      case 'OptionalMemberExpression':
        this.walk(node.object);
        if (node.computed) this.walk(node.property);
        return;
      case 'ObjectProperty':
        if (node.computed) this.walk(node.key);
        this.walk(node.value);
        return;
      case 'TSQualifiedName':
        this.walk(node.left);
        return;
      case 'LabeledStatement':
        this.walk(node.body);
        return;
      case 'BreakStatement':
      case 'ContinueStatement':
        return;
    }
    forEachChild(node, (child) => this.walk(child));
  }
}

export function bindFile(index: number, path: string, ast: File, resolveFile: ResolveLocal): FileModel {
  const binder = new Binder(index, path, ast, resolveFile);
  binder.walk(ast.program as AnyNode);
  binder.model.usesLibrary ||= binder.model.imports.length > 0;
  return binder.model;
}
