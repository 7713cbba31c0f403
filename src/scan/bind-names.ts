/** Small pieces the binder's files share: a fresh symbol, the names a pattern declares. */
import type { AnyNode } from './ast.js';
import type { Sym } from './model.js';

export function newSym(name: string, file: number): Sym {
  return { name, kind: null, fixed: false, file };
}

/** Names a pattern declares: `a`, `{ a, b: c }`, `[a, ...rest]`, `a = 1`. */
export function patternNames(node: AnyNode | null | undefined, out: AnyNode[] = []): AnyNode[] {
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
