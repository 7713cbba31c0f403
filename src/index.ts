/** Programmatic API: the plan, the flags SDK and the state model, for tools built on redis-migrate. */
export { connectFlags, FlagsClient } from './flags/index.js';
export type { ConnectFlagsOptions, FlagChangeEvent, FlagSource, FlagNames, FlagSnapshot } from './flags/index.js';
export { defaultPlan, DEFAULT_TIERS } from './plan/default-plan.js';
export { loadPlan } from './plan/load-plan.js';
export { validatePlan } from './plan/schema.js';
export type { Plan, PlanTier } from './plan/schema.js';
export { parseDuration, formatDuration } from './plan/duration.js';
export { stateKeys } from './state/keys.js';
export type { FlagState, TierState } from './state/model.js';
export { CliError } from './errors.js';
export { SCHEMA_VERSION } from './envelope.js';
export type { ErrorBody, ErrorDocument, JsonDocument, ResultDocument } from './envelope.js';
