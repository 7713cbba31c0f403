/** The whole catalogue, in the order docs/scan.md and the SARIF rules list use. */
import { BULL_RULES } from './bull.js';
import { IOREDIS_RULES } from './ioredis.js';
import { NESTJS_RULES } from './nestjs.js';
import { QUEUE_RULES } from './queues.js';
import type { Rule } from './types.js';

export { BULL_RULES, BULL_TYPE_RENAMES } from './bull.js';
export { IOREDIS_RULES } from './ioredis.js';
export { NESTJS_RULES } from './nestjs.js';
export { QUEUE_RULES } from './queues.js';
export * from './types.js';

export const RULES: readonly Rule[] = [
  ...Object.values(BULL_RULES),
  ...Object.values(NESTJS_RULES),
  ...Object.values(IOREDIS_RULES),
  ...Object.values(QUEUE_RULES),
];

export function ruleById(id: string): Rule | undefined {
  return RULES.find((rule) => rule.id === id);
}
