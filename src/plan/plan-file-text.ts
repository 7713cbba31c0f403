/**
 * The text of a plan file as `init` writes it: the document, with a pointer to the package's JSON
 * Schema so editors validate it (`$schema` in JSON, the YAML language server's modeline in YAML).
 */
import { existsSync } from 'node:fs';
import { dirname, extname, join, relative } from 'node:path';
import { PLAN_SCHEMA_PATH } from './plan-json-schema.js';

const INSTALLED_SCHEMA = join('node_modules', 'redis-migrate', PLAN_SCHEMA_PATH);

function ancestors(dir: string): string[] {
  const parent = dirname(dir);
  return parent === dir ? [dir] : [dir, ...ancestors(parent)];
}

/**
 * The schema in the app's installed copy of redis-migrate, relative to the plan's directory: the
 * nearest node_modules that has it (hoisted in a workspace too), else where installing it into the
 * nearest package (package.json) puts it, else beside the plan.
 */
export function planSchemaReference(planDir: string): string {
  const dirs = ancestors(planDir);
  const root = dirs.find((dir) => existsSync(join(dir, INSTALLED_SCHEMA))) ?? dirs.find((dir) => existsSync(join(dir, 'package.json'))) ?? planDir;
  const path = relative(planDir, join(root, INSTALLED_SCHEMA)).split('\\').join('/');
  return path.startsWith('../') ? path : `./${path}`;
}

export async function planFileText(document: Record<string, unknown>, path: string): Promise<string> {
  const schema = planSchemaReference(dirname(path));
  if (extname(path).toLowerCase() === '.json') return `${JSON.stringify({ $schema: schema, ...document }, null, 2)}\n`;
  const { stringify } = await import('yaml');
  return `# yaml-language-server: $schema=${schema}\n${stringify(document)}`;
}
