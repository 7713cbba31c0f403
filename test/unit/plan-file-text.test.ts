/** What `init` writes points editors at the JSON Schema of the app's installed redis-migrate, relative to the plan file. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { planFileText, planSchemaReference } from '../../src/plan/plan-file-text.js';
import { validatePlan } from '../../src/plan/schema.js';
import { tempDir } from '../support/plan-files.js';

function touch(path: string): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, '{}');
}

const INSTALLED = 'node_modules/redis-migrate/schemas/plan.schema.json';

describe('planSchemaReference', () => {
  it('finds the installed schema from a plan in a subdirectory, and a workspace-hoisted one', () => {
    const app = tempDir('schema-ref');
    touch(join(app, 'package.json'));
    touch(join(app, INSTALLED));
    mkdirSync(join(app, 'config'));
    expect(planSchemaReference(app)).toBe(`./${INSTALLED}`);
    expect(planSchemaReference(join(app, 'config'))).toBe(`../${INSTALLED}`);

    const service = join(app, 'packages', 'api');
    touch(join(service, 'package.json'));
    expect(planSchemaReference(service)).toBe(`../../${INSTALLED}`);
  });

  it('not installed yet: where installing into the nearest package puts it, else beside the plan', () => {
    const app = tempDir('schema-ref');
    touch(join(app, 'package.json'));
    mkdirSync(join(app, 'ops'));
    expect(planSchemaReference(join(app, 'ops'))).toBe(`../${INSTALLED}`);
    expect(planSchemaReference(tempDir('schema-ref'))).toBe(`./${INSTALLED}`);
  });
});

describe('planFileText', () => {
  const document = { tiers: [{ name: 'a', queues: ['q'], soak: '1h' }] };

  it('JSON: $schema first, and the loader accepts it', async () => {
    const parsed = JSON.parse(await planFileText(document, join(tempDir('schema-ref'), 'plan.json')));
    expect(Object.keys(parsed)[0]).toBe('$schema');
    expect(parsed.$schema).toBe(`./${INSTALLED}`);
    expect(validatePlan(parsed).ok).toBe(true);
  });

  it('YAML: the YAML language server modeline on the first line, the document unchanged', async () => {
    const text = await planFileText(document, join(tempDir('schema-ref'), 'plan.yaml'));
    expect(text.split('\n')[0]).toBe(`# yaml-language-server: $schema=./${INSTALLED}`);
    expect(parseYaml(text)).toEqual(document);
  });
});
