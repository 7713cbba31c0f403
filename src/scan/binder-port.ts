/**
 * What the class, function and module binders need from the file walk (bind.ts's Binder): a port,
 * so those helpers do not import the walk that imports them.
 */
import type { AnyNode } from './ast.js';
import type { ClassInfo, FileModel, FnInfo, Sym } from './model.js';

export interface BinderPort {
  readonly index: number;
  readonly model: FileModel;
  readonly exportsProps: Map<string, Sym>;
  currentFn: FnInfo | null;
  currentClass: ClassInfo | null;
  resolveLocal(specifier: string): number | null;
  lookup(name: string): Sym | null;
  declare(name: string): Sym;
  withScope(run: () => void): void;
  assign(target: Sym, expr: AnyNode): void;
  functionInfo(node: AnyNode): FnInfo;
  predeclare(statements: readonly AnyNode[]): void;
  walkStatements(statements: readonly AnyNode[]): void;
  walk(node: AnyNode | null | undefined): void;
}
