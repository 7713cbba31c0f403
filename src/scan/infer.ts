/**
 * What a name or an expression is, given what the symbols have learned so far (infer-facts.ts
 * teaches them): through imports, aliases, class fields, members of other files' exports,
 * library methods and annotations. Pure; memoised between two changes.
 */
import { isFunction, memberName, requireSpecifier, unwrap, type AnyNode } from './ast.js';
import { awaited, elementOf, listOf, namedOf, promiseOf, type Kind } from './kinds.js';
import { annotated, constructed, methodResult, moduleValue, propertyKind, staticMember, trackedModule } from './libraries.js';
import type { ClassInfo, FileModel, FnInfo, Sym } from './model.js';

const LIST_ELEMENT = new Set(['find', 'findLast', 'at', 'pop', 'shift', 'get']);
const LIST_SAME = new Set(['filter', 'slice', 'concat', 'reverse', 'sort', 'values', 'toSorted', 'toReversed']);

export class Inference {
  readonly classes = new Map<string, ClassInfo>();
  // Memos, cleared whenever a symbol learns something: without them a chain like a.b().c().d() is
  // evaluated once per path through it (exponential in its length).
  private kinds = new Map<AnyNode, Kind | null>();
  private syms = new Map<AnyNode, Sym | null>();
  private fns = new Map<AnyNode, FnInfo | null>();

  constructor(
    /** Indexed by file number; null where a file could not be parsed. */
    readonly files: readonly (FileModel | null)[],
    private readonly resolveFrom: (file: number, specifier: string) => number | null,
  ) {
    for (const file of files) for (const cls of file?.classes ?? []) this.classes.set(cls.key, cls);
  }

  /** Drops the memos: call whenever a symbol learned something. */
  forget(): void {
    this.kinds = new Map();
    this.syms = new Map();
    this.fns = new Map();
  }

  // ---- what a symbol is -------------------------------------------------------------------------

  /** Follows an import to the symbol it names in the other file. */
  target(sym: Sym | null, depth = 0): Sym | null {
    if (sym?.alias && depth <= 8) return this.target(sym.alias, depth + 1);
    if (!sym?.link || depth > 8) return sym;
    if ('namespace' in sym.link) return sym;
    return this.target(this.exportOf(sym.link.file, sym.link.name), depth + 1);
  }

  exportOf(file: number, name: string, seen: Set<number> = new Set()): Sym | null {
    const model = this.files[file];
    if (!model || seen.has(file)) return null;
    seen.add(file);
    const own = model.exportsSym.props?.get(name);
    if (own) return own;
    if (name === 'default' && model.exportsSym.init) return model.exportsSym; // CommonJS module.exports = x
    for (const from of model.starFrom) {
      const found = this.exportOf(from, name, seen);
      if (found) return found;
    }
    return null;
  }

  /** What `require(file)` gives: the value of `module.exports = x`, else the module's exports. */
  private moduleKind(file: number): Kind {
    const exports = this.files[file]?.exportsSym;
    if (!exports || exports.props?.size) return `mod:${file}`;
    return this.symKind(exports) ?? `mod:${file}`;
  }

  symKind(sym: Sym | null): Kind | null {
    if (!sym) return null;
    if (sym.link) {
      if ('namespace' in sym.link) return this.moduleKind(sym.link.file);
      const target = this.target(sym);
      if (!target || target === sym) return sym.link.name === 'default' ? this.moduleKind(sym.link.file) : null;
      return this.symKind(target);
    }
    if (sym.kind) return sym.kind;
    if (sym.cls) return `class:${sym.cls.key}`;
    return null;
  }

  /** The symbol an expression designates, where it has one (`x`, `this.q`, `db.redis`, `QUEUES.EMAIL`). */
  symOf(node: AnyNode | null | undefined, file: FileModel): Sym | null {
    const value = unwrap(node);
    if (!value) return null;
    if (this.syms.has(value)) return this.syms.get(value) ?? null;
    this.syms.set(value, null); // a cycle (x = x.y) reads as unknown
    const sym = this.computeSymOf(value, file);
    this.syms.set(value, sym);
    return sym;
  }

  private computeSymOf(value: AnyNode, file: FileModel): Sym | null {
    if (value.type === 'Identifier') return this.target(file.refs.get(value) ?? null);
    if (value.type !== 'MemberExpression' && value.type !== 'OptionalMemberExpression') return null;
    const name = memberName(value);
    if (name === null) return null;
    return this.memberSym(value.object, name, file);
  }

  private memberSym(object: AnyNode, name: string, file: FileModel): Sym | null {
    const inner = unwrap(object);
    if (inner?.type === 'ThisExpression') {
      const cls = file.thisClass.get(inner);
      return cls ? this.field(cls, name) : null;
    }
    const owner = this.symOf(object, file);
    const own = owner?.props?.get(name);
    if (own) return this.target(own);
    const ownerKind = owner ? this.symKind(owner) : this.kindOf(object, file);
    if (ownerKind?.startsWith('mod:')) return this.target(this.exportOf(Number(ownerKind.slice(4)), name));
    if (ownerKind?.startsWith('inst:')) {
      const cls = this.classes.get(ownerKind.slice(5));
      return cls ? this.field(cls, name) : null;
    }
    if (ownerKind?.startsWith('class:')) {
      const cls = this.classes.get(ownerKind.slice(6));
      return cls ? this.field(cls, name) : null;
    }
    return null;
  }

  private superOf(cls: ClassInfo): ClassInfo | null {
    if (!cls.superClass) return null;
    const file = this.files[cls.file];
    if (!file) return null;
    const kind = this.kindOf(cls.superClass, file);
    return kind?.startsWith('class:') ? (this.classes.get(kind.slice(6)) ?? null) : null;
  }

  private field(cls: ClassInfo, name: string, depth = 0): Sym | null {
    const own = cls.fields.get(name);
    if (own) return own;
    const parent = depth < 6 ? this.superOf(cls) : null;
    return parent ? this.field(parent, name, depth + 1) : null;
  }

  method(cls: ClassInfo, name: string, depth = 0): FnInfo | null {
    const own = cls.methods.get(name);
    if (own) return own;
    const parent = depth < 6 ? this.superOf(cls) : null;
    return parent ? this.method(parent, name, depth + 1) : null;
  }

  /** The function an expression designates: inline, by name, a method, another file's export. */
  fnOf(node: AnyNode | null | undefined, file: FileModel): FnInfo | null {
    const value = unwrap(node);
    if (!value) return null;
    if (this.fns.has(value)) return this.fns.get(value) ?? null;
    this.fns.set(value, null);
    const fn = this.computeFnOf(value, file);
    this.fns.set(value, fn);
    return fn;
  }

  private computeFnOf(value: AnyNode, file: FileModel): FnInfo | null {
    if (isFunction(value)) return file.functions.get(value) ?? null;
    if (value.type === 'MemberExpression' || value.type === 'OptionalMemberExpression') {
      const name = memberName(value);
      if (name === null) return null;
      const object = unwrap(value.object);
      const cls =
        object?.type === 'ThisExpression'
          ? file.thisClass.get(object)
          : (() => {
              const kind = this.kindOf(value.object, file);
              return kind?.startsWith('inst:') ? this.classes.get(kind.slice(5)) : kind?.startsWith('class:') ? this.classes.get(kind.slice(6)) : undefined;
            })();
      if (cls) {
        const method = this.method(cls, name);
        if (method) return method;
      }
    }
    if (value.type === 'CallExpression' && value.callee.type === 'MemberExpression' && memberName(value.callee) === 'bind')
      return this.fnOf(value.callee.object, file);
    return this.symOf(value, file)?.fn ?? null;
  }

  // ---- what an expression is --------------------------------------------------------------------

  kindOf(node: AnyNode | null | undefined, file: FileModel, depth = 0): Kind | null {
    const value = unwrap(node);
    if (!value || depth > 40) return null;
    if (this.kinds.has(value)) return this.kinds.get(value) ?? null;
    this.kinds.set(value, null);
    const kind = this.computeKind(value, file, depth);
    this.kinds.set(value, kind);
    return kind;
  }

  private computeKind(value: AnyNode, file: FileModel, depth: number): Kind | null {
    switch (value.type) {
      case 'Identifier':
        return this.symKind(this.symOf(value, file));
      case 'MemberExpression':
      case 'OptionalMemberExpression': {
        const name = memberName(value);
        const sym = name === null ? null : this.symOf(value, file);
        const known = this.symKind(sym);
        if (known) return known;
        const objectKind = this.kindOf(value.object, file, depth + 1);
        if (name !== null) {
          const viaLibrary = staticMember(objectKind, name) ?? propertyKind(objectKind, name);
          if (viaLibrary) return viaLibrary;
          if (objectKind?.startsWith('mod:')) return this.symKind(this.exportOf(Number(objectKind.slice(4)), name));
        }
        if (name !== 'length') return elementOf(objectKind);
        return null;
      }
      case 'CallExpression':
      case 'OptionalCallExpression':
        return this.callKind(value, file, depth);
      case 'NewExpression': {
        const callee = this.kindOf(value.callee, file, depth + 1);
        if (callee?.startsWith('class:')) return `inst:${callee.slice(6)}`;
        return constructed(callee, true);
      }
      case 'AwaitExpression':
        return awaited(this.kindOf(value.argument, file, depth + 1));
      case 'ConditionalExpression':
        return this.kindOf(value.consequent, file, depth + 1) ?? this.kindOf(value.alternate, file, depth + 1);
      case 'LogicalExpression':
        return this.kindOf(value.left, file, depth + 1) ?? this.kindOf(value.right, file, depth + 1);
      case 'SequenceExpression':
        return this.kindOf(value.expressions[value.expressions.length - 1], file, depth + 1);
      case 'AssignmentExpression':
        return this.kindOf(value.right, file, depth + 1);
      case 'ArrayExpression':
      case 'ObjectExpression': {
        const items =
          value.type === 'ArrayExpression'
            ? value.elements
            : value.properties.map((property: AnyNode) => (property.type === 'ObjectProperty' ? property.value : null));
        for (const item of items) {
          if (!item) continue;
          if (item.type === 'SpreadElement') {
            const spread = this.kindOf(item.argument, file, depth + 1);
            if (spread?.startsWith('list:')) return spread;
            continue;
          }
          const kind = this.kindOf(item, file, depth + 1);
          if (kind) return listOf(kind);
        }
        return null;
      }
      case 'ClassExpression':
        return null;
      default:
        return null;
    }
  }

  private callKind(call: AnyNode, file: FileModel, depth: number): Kind | null {
    const specifier = requireSpecifier(call);
    if (specifier !== null) {
      const tracked = trackedModule(specifier);
      if (tracked) return moduleValue(tracked);
      const local = this.resolveFrom(file.index, specifier);
      return local === null ? null : this.moduleKind(local);
    }
    const callee = unwrap(call.callee) as AnyNode;
    if (callee.type === 'MemberExpression' || callee.type === 'OptionalMemberExpression') {
      const name = memberName(callee);
      if (name !== null) {
        const object = unwrap(callee.object) as AnyNode;
        if (
          object.type === 'Identifier' &&
          !file.refs.get(object) &&
          ((object.name === 'Object' && name === 'values') || (object.name === 'Array' && name === 'from'))
        ) {
          const inner = this.kindOf(call.arguments[0], file, depth + 1);
          return inner?.startsWith('list:') ? inner : null;
        }
        const receiver = this.kindOf(callee.object, file, depth + 1);
        const viaLibrary = methodResult(receiver, name);
        if (viaLibrary) return viaLibrary;
        const element = elementOf(receiver);
        if (element) {
          if (LIST_ELEMENT.has(name)) return element;
          if (LIST_SAME.has(name)) return receiver;
        }
        if (name === 'then' || name === 'catch' || name === 'finally') return null;
      }
    }
    const fn = this.fnOf(callee, file);
    if (fn) return fn.kind;
    return constructed(this.kindOf(callee, file, depth + 1), false);
  }

  /** A type annotation as the kind of the value it describes (`Queue`, `Bull.Job`, `Promise<Job[]>`). */
  typeKind(node: AnyNode | null | undefined, file: FileModel, depth = 0): Kind | null {
    if (!node || depth > 10) return null;
    switch (node.type) {
      case 'TSTypeAnnotation':
      case 'TSParenthesizedType':
      case 'TSTypeOperator':
        return this.typeKind(node.typeAnnotation, file, depth + 1);
      case 'TSArrayType': {
        const element = this.typeKind(node.elementType, file, depth + 1);
        return element ? listOf(element) : null;
      }
      case 'TSUnionType':
      case 'TSIntersectionType':
        for (const type of node.types) {
          const kind = this.typeKind(type, file, depth + 1);
          if (kind) return kind;
        }
        return null;
      case 'TSTypeReference': {
        const params: AnyNode[] = node.typeParameters?.params ?? [];
        const name = node.typeName.type === 'Identifier' ? node.typeName.name : null;
        const sym = node.typeName.type === 'Identifier' ? this.target(file.refs.get(node.typeName) ?? null) : null;
        if (name && !sym) {
          const inner = (i: number) => this.typeKind(params[i], file, depth + 1);
          if (name === 'Promise' || name === 'PromiseLike') {
            const kind = inner(0);
            return kind ? promiseOf(kind) : null;
          }
          if (name === 'Array' || name === 'ReadonlyArray' || name === 'Set' || name === 'ReadonlySet') {
            const kind = inner(0);
            return kind ? listOf(kind) : null;
          }
          if (name === 'Map' || name === 'ReadonlyMap' || name === 'Record') {
            const kind = inner(1);
            return kind ? listOf(kind) : null;
          }
          if (name === 'Partial' || name === 'Readonly' || name === 'Required' || name === 'NonNullable') return inner(0);
          return null;
        }
        let kind: Kind | null;
        if (node.typeName.type === 'TSQualifiedName') {
          const left = this.qualifiedKind(node.typeName.left, file);
          kind = staticMember(left, node.typeName.right.name);
          if (left?.startsWith('mod:')) kind = this.symKind(this.exportOf(Number(left.slice(4)), node.typeName.right.name));
        } else {
          kind = this.symKind(sym);
        }
        if (kind?.startsWith('class:')) return `inst:${kind.slice(6)}`;
        return annotated(kind);
      }
      default:
        return null;
    }
  }

  private qualifiedKind(node: AnyNode, file: FileModel): Kind | null {
    if (node.type === 'Identifier') return this.symKind(this.target(file.refs.get(node) ?? null));
    if (node.type === 'TSQualifiedName') return staticMember(this.qualifiedKind(node.left, file), node.right.name);
    return null;
  }

  /** `@Process('x')` → "Process" when it is @nestjs/bull's. */
  decoratorName(decorator: AnyNode, file: FileModel): string | null {
    const expression = decorator.type === 'Decorator' ? unwrap(decorator.expression) : unwrap(decorator);
    const callee = expression?.type === 'CallExpression' ? expression.callee : expression;
    return namedOf(this.kindOf(callee, file), 'nestbull:');
  }
}
