/**
 * The layer rule, read from the import graph of src/ and phases/ (README, "Layers"): only src/cli
 * and src/commands know the command line, and nothing else imports them; renderers take their
 * report types from the use-cases; only src/cli loads the terminal libraries; no import cycles;
 * the package entry points load nothing of the CLI.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importCycles, importGraph, importsOf, runtimeReach } from '../support/import-graph.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const graph = importGraph(root, ['src', 'phases']);
const isCli = (file: string) => file.startsWith('src/cli/') || file.startsWith('src/commands/');
const CLI_PACKAGES = ['commander', '@inquirer/prompts', 'chalk', 'execa'];

/** package.json `exports` → their source files (./dist/src/flags/index.js → src/flags/index.ts). */
function entryPoints(): Record<string, string> {
  const exports = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).exports as Record<string, { import: string }>;
  return Object.fromEntries(Object.entries(exports).map(([name, target]) => [name, target.import.replace(/^\.\/dist\//, '').replace(/\.js$/, '.ts')]));
}

describe('the import graph is read correctly', () => {
  it('sees static, type-only, re-exported and dynamic imports, and no import in a comment, string or regex', () => {
    const source = [
      "import { a, type B } from './a.js';",
      "import type { C } from './c.js';",
      "export { d } from './d.js';",
      "export type { E } from './e.js';",
      "import './side.js';",
      "const f = await import('./f.js');",
      "// import { g } from './g.js';",
      "/* await import('./h.js') */",
      'const text = "import { i } from \'./i.js\'";',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: source text with a template literal in it, for the import scanner to read
      "const template = `import('./j.js') ${await import('./k.js')}`;",
      "const pattern = /import\\('\\.\\/l\\.js'\\)/;",
      'const url = import.meta.url;',
    ].join('\n');
    expect(importsOf(source)).toEqual([
      { specifier: './a.js', typeOnly: false, dynamic: false },
      { specifier: './c.js', typeOnly: true, dynamic: false },
      { specifier: './d.js', typeOnly: false, dynamic: false },
      { specifier: './e.js', typeOnly: true, dynamic: false },
      { specifier: './side.js', typeOnly: false, dynamic: false },
      { specifier: './f.js', typeOnly: false, dynamic: true },
      { specifier: './k.js', typeOnly: false, dynamic: true },
    ]);
  });

  it('resolves every relative import of the project to a file, and sees the lazy command table', () => {
    expect([...graph.values()].flatMap((node) => node.unresolved.map((specifier) => `${node.file} -> ${specifier}`))).toEqual([]);
    const table = graph.get('src/cli/program.ts')?.local.filter((edge) => edge.dynamic && edge.file.startsWith('src/commands/')) ?? [];
    expect(table.length).toBeGreaterThan(15);
  });
});

describe('layers', () => {
  it('nothing outside src/cli and src/commands imports them', () => {
    const violations = [...graph.values()]
      .filter((node) => !isCli(node.file))
      .flatMap((node) => node.local.filter((edge) => isCli(edge.file)).map((edge) => `${node.file} -> ${edge.file}`));
    expect(violations).toEqual([]);
  });

  it('renderers take report types from the use-cases, never from a command', () => {
    const violations = [...graph.values()]
      .filter((node) => node.file.startsWith('src/cli/render/'))
      .flatMap((node) => node.local.filter((edge) => edge.file.startsWith('src/commands/')).map((edge) => `${node.file} -> ${edge.file}`));
    expect(violations).toEqual([]);
  });

  it('only src/cli loads the terminal libraries (commander, @inquirer/prompts, chalk)', () => {
    const terminal = ['commander', '@inquirer/prompts', 'chalk'];
    const violations = [...graph.values()]
      .filter((node) => !node.file.startsWith('src/cli/'))
      .flatMap((node) => node.packages.filter((entry) => terminal.includes(entry.name)).map((entry) => `${node.file} -> ${entry.name}`));
    expect(violations).toEqual([]);
  });

  it('has no import cycles', () => {
    expect(importCycles(graph)).toEqual([]);
  });

  it.each(Object.entries(entryPoints()))('the package entry point %s (%s) loads nothing of the CLI', (_name, entry) => {
    expect(graph.has(entry), `${entry} is not a source file`).toBe(true);
    const reached = [...runtimeReach(graph, entry)];
    expect(reached.filter(isCli)).toEqual([]);
    const packages = reached.flatMap((file) =>
      (graph.get(file)?.packages ?? []).filter((entry) => !entry.typeOnly && CLI_PACKAGES.includes(entry.name)).map((entry) => `${file} -> ${entry.name}`),
    );
    expect(packages).toEqual([]);
  });
});
