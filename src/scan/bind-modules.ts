/** Imports and exports: the followed libraries' imports, links to other scanned files, ESM exports. */
import { isFunction, propertyName, unwrap, type AnyNode } from './ast.js';
import type { BinderPort as Binder } from './binder-port.js';
import { moduleValue, namedExport, trackedModule } from './libraries.js';
import { bindClass } from './bind-classes.js';
import { newSym, patternNames } from './bind-names.js';

export function bindImport(b: Binder, node: AnyNode): void {
  const specifier: string = node.source.value;
  const tracked = trackedModule(specifier);
  const local = tracked ? null : b.resolveLocal(specifier);
  const names: string[] = [];
  for (const spec of node.specifiers) {
    const sym = b.declare(spec.local.name);
    const name =
      spec.type === 'ImportDefaultSpecifier'
        ? 'default'
        : spec.type === 'ImportNamespaceSpecifier'
          ? '*'
          : (propertyName(spec.imported, false) ?? spec.local.name);
    names.push(name);
    if (tracked) {
      sym.kind = name === '*' || (name === 'default' && tracked !== 'ioredis') ? moduleValue(tracked) : namedExport(tracked, name);
      sym.fixed = true;
    } else if (local !== null) {
      sym.link = name === '*' ? { file: local, namespace: true } : { file: local, name };
    }
  }
  if (tracked) b.model.imports.push({ module: tracked, node, names });
}

export function bindExport(b: Binder, node: AnyNode): void {
  if (node.type === 'ExportAllDeclaration') {
    const target = b.resolveLocal(node.source.value);
    if (target === null) return;
    if (node.exported)
      b.exportsProps.set(propertyName(node.exported, false) ?? 'default', { ...newSym(node.exported.name, b.index), link: { file: target, namespace: true } });
    else b.model.starFrom.push(target);
    return;
  }
  if (node.type === 'ExportDefaultDeclaration') {
    const declaration = node.declaration as AnyNode;
    if ((declaration.type === 'FunctionDeclaration' || declaration.type === 'ClassDeclaration') && declaration.id) {
      b.walk(declaration);
      const sym = b.lookup(declaration.id.name);
      if (sym) b.exportsProps.set('default', sym);
      return;
    }
    const sym = newSym('default', b.index);
    const value = unwrap(declaration);
    if (value && isFunction(value)) sym.fn = b.functionInfo(value);
    if (value?.type === 'ClassDeclaration' || value?.type === 'ClassExpression') {
      bindClass(b, value, sym);
    } else {
      b.assign(sym, declaration);
      b.walk(declaration);
    }
    b.exportsProps.set('default', sym);
    return;
  }
  // ExportNamedDeclaration
  if (node.declaration) {
    b.walk(node.declaration);
    const declaration = node.declaration as AnyNode;
    const ids =
      declaration.type === 'VariableDeclaration'
        ? declaration.declarations.flatMap((d: AnyNode) => patternNames(d.id))
        : declaration.id
          ? [declaration.id]
          : [];
    for (const id of ids) {
      const sym = b.lookup(id.name);
      if (sym) b.exportsProps.set(id.name, sym);
    }
    return;
  }
  const source = node.source ? b.resolveLocal(node.source.value) : null;
  const tracked = node.source ? trackedModule(node.source.value) : null;
  for (const spec of node.specifiers ?? []) {
    const exported = propertyName(spec.exported, false) ?? 'default';
    if (spec.type === 'ExportNamespaceSpecifier') {
      if (source !== null) b.exportsProps.set(exported, { ...newSym(exported, b.index), link: { file: source, namespace: true } });
      continue;
    }
    const localName = propertyName(spec.local, false) ?? exported;
    if (tracked) {
      // Re-exporting a followed library (`export { Queue } from 'bull'`): the name keeps its kind.
      b.exportsProps.set(exported, { ...newSym(exported, b.index), kind: namedExport(tracked, localName), fixed: true });
      b.model.imports.push({ module: tracked, node, names: [localName] });
    } else if (source !== null) {
      b.exportsProps.set(exported, { ...newSym(exported, b.index), link: { file: source, name: localName } });
    } else if (!node.source) {
      const sym = b.lookup(localName);
      if (sym) b.exportsProps.set(exported, sym);
    }
  }
}
