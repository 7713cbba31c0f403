/** The scanner's picture of the code: symbols, functions, classes and files, linked across files. */
import type { Node, File } from '@babel/types';
import type { Kind } from './kinds.js';
import type { TrackedModule } from './libraries.js';

/** A name that holds a value: a variable, parameter, import, class field, object property, export. */
export interface Sym {
  name: string;
  kind: Kind | null;
  /** Set from a type annotation or decorator: inference does not change it. */
  fixed: boolean;
  /** Set when the name holds a function (its parameters and returns). */
  fn?: FnInfo;
  /** Set when the name holds a class declared in the scanned code. */
  cls?: ClassInfo;
  /** Properties given to it: object literal keys, `x.prop = ...`, exports of a module. */
  props?: Map<string, Sym>;
  /** Another name for the same value (`const { QUEUES } = require('./names')`). */
  alias?: Sym;
  /** An import from a scanned file: resolved by name when asked. */
  link?: { file: number; name: string } | { file: number; namespace: true };
  /** The expression it was first given (`const X = 'calendar-sync'`), for queue names. */
  init?: Node;
  /** File it is declared in. */
  file: number;
}

export interface FnInfo {
  node: Node;
  params: (Sym | null)[];
  returns: Node[];
  async: boolean;
  kind: Kind | null;
  /** The class whose method it is (for `this`). */
  owner: ClassInfo | null;
  decorators: Node[];
}

export interface ClassInfo {
  key: string;
  name: string;
  node: Node;
  file: number;
  superClass: Node | null;
  fields: Map<string, Sym>;
  /** Methods by name; the constructor as "constructor". */
  methods: Map<string, FnInfo>;
  decorators: Node[];
}

/** What the binder learned about one file, and what inference reads. */
export interface FileModel {
  index: number;
  path: string;
  ast: File;
  /** Identifier (in a reference position) → the symbol it names. */
  refs: WeakMap<Node, Sym>;
  /** `this` → the class it belongs to. */
  thisClass: WeakMap<Node, ClassInfo>;
  /** `module.exports`, and the ESM exports as its props. */
  exportsSym: Sym;
  /** `export * from './x'`: files whose exports are also ours. */
  starFrom: number[];
  /** Imports of the followed libraries, in source order. */
  imports: TrackedImport[];
  /** Uses a followed library (import, require, re-export). */
  usesLibrary: boolean;
  /** Scanned files it imports, requires or re-exports. */
  deps: Set<number>;
  /** Values flowing into symbols, re-read by inference until nothing changes. */
  facts: Fact[];
  /** Functions (incl. methods) by their node, for callbacks passed by name or inline. */
  functions: WeakMap<Node, FnInfo>;
  /** The same functions, in order, for inference to visit. */
  functionList: FnInfo[];
  classes: ClassInfo[];
}

export interface TrackedImport {
  module: TrackedModule;
  node: Node;
  /** The names imported (`default`, `*`, or the export name); empty for a bare import. */
  names: string[];
}

export type Fact =
  | { t: 'assign'; target: Sym; expr: Node; file: number }
  | { t: 'annotation'; target: Sym; type: Node; file: number }
  | { t: 'destructure'; pattern: Node; expr: Node; file: number }
  /** `for (const x of expr)`: x is an element of expr. */
  | { t: 'element'; target: Sym; expr: Node; file: number }
  /** `x[k] = expr`: x is a collection of what expr is. */
  | { t: 'collect'; target: Sym; expr: Node; file: number }
  | { t: 'call'; node: Node; file: number }
  | { t: 'inject'; target: Sym; decorator: Node; file: number };

/**
 * The files a followed value can reach: those that use a library, and every file connected to one
 * through imports (either way). Values cross files only along imports, so the rest are skipped.
 */
export function reachableFiles(models: readonly (FileModel | null)[]): Set<number> {
  const edges = new Map<number, number[]>();
  const link = (a: number, b: number) => {
    const list = edges.get(a);
    if (list) list.push(b);
    else edges.set(a, [b]);
  };
  for (const model of models) {
    if (!model) continue;
    for (const dep of model.deps) {
      link(model.index, dep);
      link(dep, model.index);
    }
  }
  const reached = new Set<number>();
  const queue = models.filter((model): model is FileModel => !!model?.usesLibrary).map((model) => model.index);
  while (queue.length) {
    const next = queue.pop() as number;
    if (reached.has(next)) continue;
    reached.add(next);
    for (const other of edges.get(next) ?? []) if (!reached.has(other)) queue.push(other);
  }
  return reached;
}
