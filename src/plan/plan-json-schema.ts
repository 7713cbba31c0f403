/**
 * The JSON Schema of the plan file, generated from the zod declaration so editors check what the
 * loader checks. Draft-07: the draft VS Code's JSON service and the YAML language server support in
 * full. Rules across fields (`plan-rules.ts`) stay in code. Pure.
 */
import * as z from 'zod';
import { planSchema } from './schema.js';

/** Where the package ships it (package.json "files"); `npm run schemas` rewrites it. */
export const PLAN_SCHEMA_PATH = 'schemas/plan.schema.json';

/** What a plan file may contain, as input: fields with a default are optional and show it. */
export function planJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(planSchema, {
    target: 'draft-07',
    io: 'input',
    // An integer's implied ±2^53 bounds say nothing to a reader.
    override: ({ jsonSchema }) => {
      if (jsonSchema.maximum === Number.MAX_SAFE_INTEGER) delete jsonSchema.maximum;
      if (jsonSchema.minimum === Number.MIN_SAFE_INTEGER) delete jsonSchema.minimum;
    },
  }) as Record<string, unknown>;
}

/** The file's text, as committed. */
export function planJsonSchemaText(): string {
  return `${JSON.stringify(planJsonSchema(), null, 2)}\n`;
}
