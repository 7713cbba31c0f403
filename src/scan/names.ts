/** Strings known before run time: literals, constants, enum members, templates and `+` of those, across files. */
import { literalString, unwrap, type AnyNode } from './ast.js';
import type { Inference } from './infer.js';
import type { FileModel } from './model.js';

export function resolveString(node: AnyNode | null | undefined, file: FileModel, inference: Inference, depth = 0): string | null {
  const value = unwrap(node);
  if (!value || depth > 12) return null;
  const literal = literalString(value);
  if (literal !== null) return literal;
  switch (value.type) {
    case 'Identifier':
    case 'MemberExpression':
    case 'OptionalMemberExpression': {
      const sym = inference.symOf(value, file);
      if (!sym?.init) return null;
      const owner = inference.files[sym.file] ?? file;
      return resolveString(sym.init as AnyNode, owner, inference, depth + 1);
    }
    case 'TemplateLiteral': {
      let text = '';
      for (let i = 0; i < value.quasis.length; i++) {
        text += value.quasis[i]?.value.cooked ?? '';
        if (i < value.expressions.length) {
          const part = resolveString(value.expressions[i], file, inference, depth + 1);
          if (part === null) return null;
          text += part;
        }
      }
      return text;
    }
    case 'BinaryExpression': {
      if (value.operator !== '+') return null;
      const left = resolveString(value.left, file, inference, depth + 1);
      const right = left === null ? null : resolveString(value.right, file, inference, depth + 1);
      return left !== null && right !== null ? left + right : null;
    }
    case 'NumericLiteral':
      return String(value.value);
    default:
      return null;
  }
}

/** The object literal an expression is or names (`{ redis }` inline, or `const opts = { redis }`). */
export function objectLiteral(node: AnyNode | null | undefined, file: FileModel, inference: Inference): AnyNode | null {
  const value = unwrap(node);
  if (!value) return null;
  if (value.type === 'ObjectExpression') return value;
  if (value.type === 'Identifier' || value.type === 'MemberExpression') {
    const sym = inference.symOf(value, file);
    // Only this file's objects: a finding points at a line of the file it names.
    const init = sym && sym.file === file.index ? unwrap(sym.init as AnyNode | undefined) : null;
    return init?.type === 'ObjectExpression' ? init : null;
  }
  return null;
}

/** The part of a string known before run time: all of it (`exact`), or its start (`cache:${id}` → "cache:"). */
export function stringPrefix(node: AnyNode | null | undefined, file: FileModel, inference: Inference): { text: string; exact: boolean } | null {
  const whole = resolveString(node, file, inference);
  if (whole !== null) return { text: whole, exact: true };
  const value = unwrap(node);
  if (value?.type === 'TemplateLiteral') {
    let text = value.quasis[0]?.value.cooked ?? '';
    for (let i = 0; i < value.expressions.length; i++) {
      const part = resolveString(value.expressions[i], file, inference);
      if (part === null) break;
      text += part + (value.quasis[i + 1]?.value.cooked ?? '');
    }
    return { text, exact: false };
  }
  if (value?.type === 'BinaryExpression' && value.operator === '+') {
    const left = stringPrefix(value.left, file, inference);
    return left ? { text: left.text, exact: false } : null;
  }
  return null;
}
