// Writes the JSON Schemas the package ships (schemas/), generated from the built zod declarations: `npm run schemas`.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PLAN_SCHEMA_PATH, planJsonSchemaText } from '../dist/src/plan/plan-json-schema.js';

const root = fileURLToPath(new URL('..', import.meta.url));
writeFileSync(`${root}${PLAN_SCHEMA_PATH}`, planJsonSchemaText());
console.log(`wrote ${PLAN_SCHEMA_PATH}`);
