/**
 * The project's import graph, read from the source files (no build, no module loading): every
 * static `import` / `export ... from` and dynamic `import('...')`, with whether it is type-only
 * (erased at run time). A small lexer skips comments, strings, template text and regular
 * expressions, so an import written in a comment or a string is not taken for one.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

export interface ImportEdge {
  specifier: string;
  /** `import type` / `export type`: erased by the compiler, never loaded. */
  typeOnly: boolean;
  dynamic: boolean;
}

type Token = { kind: 'ident' | 'string' | 'punct' | 'other'; text: string };

/** Keywords after which a `/` starts a regular expression, not a division. */
const BEFORE_REGEX = new Set(['return', 'typeof', 'case', 'do', 'else', 'in', 'of', 'new', 'delete', 'void', 'throw', 'yield', 'await', 'instanceof']);

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  // Inside `${ ... }` of a template: the brace depth at which the template text resumes.
  const templates: number[] = [];
  let depth = 0;
  let i = 0;
  const regexAllowed = () => {
    const last = tokens[tokens.length - 1];
    if (!last) return true;
    if (last.kind === 'ident') return BEFORE_REGEX.has(last.text);
    if (last.kind === 'punct') return !(last.text === ')' || last.text === ']' || last.text === '}');
    return false;
  };
  // Template text from i (just after ` or }) up to its end or the next `${`.
  const templateText = () => {
    while (i < source.length) {
      const c = source[i];
      if (c === '\\') i += 2;
      else if (c === '`') {
        i++;
        tokens.push({ kind: 'other', text: 'template' });
        return;
      } else if (c === '$' && source[i + 1] === '{') {
        i += 2;
        templates.push(depth);
        depth++;
        return;
      } else i++;
    }
  };
  while (i < source.length) {
    const c = source[i] as string;
    const next = source[i + 1];
    if (/\s/.test(c)) i++;
    else if (c === '/' && next === '/') i = source.indexOf('\n', i) === -1 ? source.length : source.indexOf('\n', i);
    else if (c === '/' && next === '*') i = source.indexOf('*/', i + 2) === -1 ? source.length : source.indexOf('*/', i + 2) + 2;
    else if (c === "'" || c === '"') {
      let j = i + 1;
      let text = '';
      while (j < source.length && source[j] !== c) {
        if (source[j] === '\\') j++;
        text += source[j];
        j++;
      }
      tokens.push({ kind: 'string', text });
      i = j + 1;
    } else if (c === '`') {
      i++;
      templateText();
    } else if (c === '/' && regexAllowed()) {
      let j = i + 1;
      let inClass = false;
      while (j < source.length && (source[j] !== '/' || inClass)) {
        if (source[j] === '\\') j++;
        else if (source[j] === '[') inClass = true;
        else if (source[j] === ']') inClass = false;
        j++;
      }
      j++;
      while (j < source.length && /[a-z]/i.test(source[j] as string)) j++;
      tokens.push({ kind: 'other', text: 'regex' });
      i = j;
    } else if (/[A-Za-z_$]/.test(c)) {
      const match = /^[A-Za-z_$][\w$]*/.exec(source.slice(i, i + 200)) as RegExpExecArray;
      tokens.push({ kind: 'ident', text: match[0] });
      i += match[0].length;
    } else if (/\d/.test(c)) {
      const match = /^[\d._a-zA-Z]+/.exec(source.slice(i, i + 100)) as RegExpExecArray;
      tokens.push({ kind: 'other', text: match[0] });
      i += match[0].length;
    } else {
      i++;
      if (c === '{') depth++;
      else if (c === '}') {
        depth--;
        if (templates.length && templates[templates.length - 1] === depth) {
          templates.pop();
          templateText();
          continue;
        }
      }
      tokens.push({ kind: 'punct', text: c });
    }
  }
  return tokens;
}

/** The import specifiers of one TypeScript source text. */
export function importsOf(source: string): ImportEdge[] {
  const tokens = tokenize(source);
  const edges: ImportEdge[] = [];
  const at = (index: number): Token | undefined => tokens[index];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as Token;
    if (token.kind !== 'ident' || (token.text !== 'import' && token.text !== 'export')) continue;
    if (at(i - 1)?.text === '.') continue; // a property named import / export
    const next = at(i + 1);
    if (token.text === 'import' && next?.text === '(') {
      const specifier = at(i + 2);
      if (specifier?.kind === 'string' && at(i + 3)?.text === ')') edges.push({ specifier: specifier.text, typeOnly: false, dynamic: true });
      continue;
    }
    if (token.text === 'import' && next?.kind === 'string') {
      edges.push({ specifier: next.text, typeOnly: false, dynamic: false });
      continue;
    }
    const typeOnly = next?.text === 'type' && at(i + 2)?.text !== 'from' && at(i + 2)?.text !== '=';
    let j = typeOnly ? i + 2 : i + 1;
    // export: only `export [type] { ... } from` and `export [type] * [as x] from` re-export a module.
    if (token.text === 'export' && at(j)?.text !== '{' && at(j)?.text !== '*') continue;
    for (; j < tokens.length && j < i + 400; j++) {
      const candidate = tokens[j] as Token;
      if (candidate.text === ';' || (candidate.kind === 'ident' && (candidate.text === 'import' || candidate.text === 'export') && j > i + 1)) break;
      if (candidate.kind === 'ident' && candidate.text === 'from' && at(j + 1)?.kind === 'string') {
        edges.push({ specifier: (at(j + 1) as Token).text, typeOnly, dynamic: false });
        break;
      }
    }
  }
  return edges;
}

export interface ModuleNode {
  /** Path relative to the project root, with forward slashes. */
  file: string;
  /** Project files it imports (relative specifiers, resolved). */
  local: { file: string; typeOnly: boolean; dynamic: boolean }[];
  /** Package specifiers it imports (`node:` built-ins left out). */
  packages: { name: string; typeOnly: boolean }[];
  /** Relative specifiers that resolve to no file. */
  unresolved: string[];
}

function listTs(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return listTs(path);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** `bullmq/dist/x` → `bullmq`, `@inquirer/prompts/x` → `@inquirer/prompts`. */
function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return (specifier.startsWith('@') ? parts.slice(0, 2) : parts.slice(0, 1)).join('/');
}

/**
 * Every .ts file under `dirs` (relative to `root`), and the project files they import (e.g. the
 * reference fleet under examples/), with their edges.
 */
export function importGraph(root: string, dirs: readonly string[]): Map<string, ModuleNode> {
  const graph = new Map<string, ModuleNode>();
  const pending = dirs.flatMap((dir) => listTs(join(root, dir)));
  const name = (path: string) => relative(root, path).split(sep).join('/');
  while (pending.length) {
    const path = pending.pop() as string;
    if (graph.has(name(path))) continue;
    const node: ModuleNode = { file: name(path), local: [], packages: [], unresolved: [] };
    graph.set(node.file, node);
    for (const edge of importsOf(readFileSync(path, 'utf8'))) {
      if (edge.specifier.startsWith('node:')) continue;
      if (!edge.specifier.startsWith('.')) {
        node.packages.push({ name: packageName(edge.specifier), typeOnly: edge.typeOnly });
        continue;
      }
      const target = resolve(dirname(path), edge.specifier).replace(/\.js$/, '.ts');
      if (!existsSync(target)) {
        node.unresolved.push(edge.specifier);
        continue;
      }
      node.local.push({ file: name(target), typeOnly: edge.typeOnly, dynamic: edge.dynamic });
      pending.push(target);
    }
  }
  return graph;
}

/** Groups of files that import each other, directly or not (strongly connected components, Tarjan). */
export function importCycles(graph: ReadonlyMap<string, ModuleNode>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (file: string) => {
    index.set(file, counter);
    low.set(file, counter);
    counter++;
    stack.push(file);
    onStack.add(file);
    for (const { file: next } of graph.get(file)?.local ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(file, Math.min(low.get(file) as number, low.get(next) as number));
      } else if (onStack.has(next)) low.set(file, Math.min(low.get(file) as number, index.get(next) as number));
    }
    if (low.get(file) !== index.get(file)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop() as string;
      onStack.delete(member);
      component.push(member);
    } while (member !== file);
    const selfImport = graph.get(file)?.local.some((edge) => edge.file === file);
    if (component.length > 1 || selfImport) cycles.push(component.sort());
  };
  for (const file of graph.keys()) if (!index.has(file)) visit(file);
  return cycles;
}

/** The files loaded, at run time, when `entry` is imported and everything it can import is: type-only imports left out. */
export function runtimeReach(graph: ReadonlyMap<string, ModuleNode>, entry: string): Set<string> {
  const reached = new Set<string>();
  const pending = [entry];
  while (pending.length) {
    const file = pending.pop() as string;
    if (reached.has(file)) continue;
    reached.add(file);
    for (const edge of graph.get(file)?.local ?? []) if (!edge.typeOnly) pending.push(edge.file);
  }
  return reached;
}
