/**
 * schemas/plan.schema.json: what the code generates from the zod declaration (never stale), a valid
 * draft-07 schema that a real validator (ajv) runs, accepting every plan the loader accepts that
 * is in the docs or the defaults, and refusing the obvious mistakes editors should underline.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { defaultPlanDocument } from '../../src/plan/default-plan.js';
import { PLAN_SCHEMA_PATH, planJsonSchemaText } from '../../src/plan/plan-json-schema.js';
import { validatePlan } from '../../src/plan/schema.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const committed = readFileSync(join(ROOT, PLAN_SCHEMA_PATH), 'utf8');

// patternErrorMessage is the editors' (VS Code, YAML language server) keyword for a readable pattern error.
const ajv = new Ajv({ allErrors: true }).addVocabulary(['patternErrorMessage']);
const validate = ajv.compile(JSON.parse(committed));
const errorsOf = (document: unknown) => (validate(document) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message}`));

const docsExample = parseYaml(/```yaml\n([\s\S]*?)```/.exec(readFileSync(join(ROOT, 'docs/plan-file.md'), 'utf8'))?.[1] ?? '');
const tier = { name: 'only', queues: ['q1'], soak: '90s' };

describe('schemas/plan.schema.json', () => {
  it('is what the zod declaration generates now (run `npm run schemas` after changing the plan schema)', () => {
    expect(committed).toBe(planJsonSchemaText());
  });

  it('is draft-07, describes its fields and shows their defaults', () => {
    const schema = JSON.parse(committed);
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema.required).toEqual(['tiers']);
    expect(schema.properties.tiers.items.properties.soak.description).toMatch(/soak|BullMQ/);
    expect(schema.properties.lock.properties.ttl.default).toBe('30s');
  });

  it.each([
    ['the default plan', defaultPlanDocument()],
    ['the docs/plan-file.md example', docsExample],
    ['a minimal plan', { tiers: [tier] }],
    ['a plan with $schema, as init writes it', { $schema: './node_modules/redis-migrate/schemas/plan.schema.json', tiers: [tier] }],
    ['upper-case names and a duration with spaces', { tiers: [{ name: 'Critical', queues: ['Q.1', '{bullmq}x'], soak: ' 1h30m ' }] }],
    [
      'queue selections by name',
      { tiers: [tier], topology: { processes: [{ name: 'w', workers: ['q1'], queueEvents: 'all', produces: 'none' }], merge: 'tier' } },
    ],
  ])('accepts %s, as the loader does', (_, document) => {
    expect(validatePlan(document).ok).toBe(true);
    expect(errorsOf(document)).toEqual([]);
  });

  it.each([
    ['a wrong type', { tiers: [tier], namespace: 5 }, '/namespace must be string'],
    ['a number for a duration', { tiers: [{ ...tier, soak: 30 }] }, '/tiers/0/soak must be string'],
    ['a duration in words', { tiers: [{ ...tier, soak: 'a day' }] }, '/tiers/0/soak must match pattern'],
    ['an unknown top-level key', { tiers: [tier], nmespace: 'x' }, ' must NOT have additional properties'],
    ['an unknown nested key', { tiers: [tier], http: { token: 'x' } }, '/http must NOT have additional properties'],
    ['a tier without queues', { tiers: [{ name: 'a', soak: '1h' }] }, "/tiers/0 must have required property 'queues'"],
    ['a tier with no queue', { tiers: [{ ...tier, queues: [] }] }, '/tiers/0/queues must NOT have fewer than 1 items'],
    ['no tiers', { namespace: 'x' }, " must have required property 'tiers'"],
    ['a list for a section', { tiers: [tier], redis: [] }, '/redis must be object'],
    ['a failure rate over 1', { tiers: [tier], thresholds: { maxFailureRate: 2 } }, '/thresholds/maxFailureRate must be <= 1'],
  ])('refuses %s, as the loader does', (_, document, error) => {
    expect(validatePlan(document).ok).toBe(false);
    expect(errorsOf(document).join('\n')).toContain(error);
  });
});
