/** Small helpers over Babel's AST, kept loose on purpose: the walker reads many node shapes. */
import type { Node } from '@babel/types';

// biome-ignore lint/suspicious/noExplicitAny: the walker reads fields of many node shapes by name; Babel's union would need a narrowing at each read
export type AnyNode = Node & { [key: string]: any };

const SKIP_KEYS = new Set([
  'type',
  'loc',
  'start',
  'end',
  'range',
  'extra',
  'leadingComments',
  'trailingComments',
  'innerComments',
  'errors',
  'comments',
  'tokens',
]);

export function isNode(value: unknown): value is AnyNode {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

/** Calls `visit` on each child node (no generator: this runs for every node of every file). */
export function forEachChild(node: AnyNode, visit: (child: AnyNode) => void): void {
  for (const key in node) {
    if (SKIP_KEYS.has(key)) continue;
    const value = node[key];
    if (value === null || typeof value !== 'object') continue;
    if (Array.isArray(value)) {
      for (const item of value) if (item !== null && typeof item === 'object' && typeof item.type === 'string') visit(item);
    } else if (typeof value.type === 'string') {
      visit(value);
    }
  }
}

/** Strips what does not change a value: parentheses, `as`, `!`, `satisfies`, `<T>x`. */
export function unwrap(node: AnyNode | null | undefined): AnyNode | null {
  let current = node ?? null;
  while (current) {
    switch (current.type) {
      case 'TSAsExpression':
      case 'TSSatisfiesExpression':
      case 'TSNonNullExpression':
      case 'TSTypeAssertion':
      case 'ParenthesizedExpression':
      case 'TypeCastExpression':
        current = current.expression;
        break;
      default:
        return current;
    }
  }
  return null;
}

/** A property key or member name as text (`a.b`, `a['b']`, `{ b: 1 }`, `{ 'b': 1 }`). */
export function propertyName(node: AnyNode, computed: boolean): string | null {
  if (!computed && node.type === 'Identifier') return node.name;
  if (node.type === 'StringLiteral') return node.value;
  if (node.type === 'PrivateName') return `#${node.id.name}`;
  if (!computed && node.type === 'NumericLiteral') return String(node.value);
  return null;
}

export function memberName(node: AnyNode): string | null {
  if (node.type !== 'MemberExpression' && node.type !== 'OptionalMemberExpression') return null;
  return propertyName(node.property, node.computed);
}

export function isCall(node: AnyNode): boolean {
  return node.type === 'CallExpression' || node.type === 'OptionalCallExpression';
}

export function isFunction(node: AnyNode | null | undefined): boolean {
  return (
    !!node &&
    (node.type === 'ArrowFunctionExpression' ||
      node.type === 'FunctionExpression' ||
      node.type === 'FunctionDeclaration' ||
      node.type === 'ObjectMethod' ||
      node.type === 'ClassMethod' ||
      node.type === 'ClassPrivateMethod')
  );
}

/** A string known at parse time: 'x', "x", `x` without substitutions. */
export function literalString(node: AnyNode | null | undefined): string | null {
  const value = unwrap(node);
  if (!value) return null;
  if (value.type === 'StringLiteral') return value.value;
  if (value.type === 'TemplateLiteral' && value.expressions.length === 0) return value.quasis[0]?.value.cooked ?? null;
  return null;
}

/** `require('x')` → 'x'. */
export function requireSpecifier(node: AnyNode | null | undefined): string | null {
  const value = unwrap(node);
  if (value?.type !== 'CallExpression' || value.callee.type !== 'Identifier' || value.callee.name !== 'require') return null;
  return literalString(value.arguments[0]);
}

export function position(node: AnyNode): { line: number; column: number; endLine: number; endColumn: number } {
  return {
    line: node.loc?.start.line ?? 1,
    column: (node.loc?.start.column ?? 0) + 1,
    endLine: node.loc?.end.line ?? node.loc?.start.line ?? 1,
    endColumn: (node.loc?.end.column ?? 0) + 1,
  };
}
