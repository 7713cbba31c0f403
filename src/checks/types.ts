/**
 * A check is a small named probe: it returns pass / warn / fail / skip with a one-line message and
 * a fix. Preflight is a set of checks chosen by phase and tier; gates are checks too.
 */
import type { Plan } from '../plan/schema.js';
import type { RedisClient } from '../redis/client.js';
import type { StateKeys } from '../state/keys.js';

export const CHECK_STATUSES = ['pass', 'warn', 'fail', 'skip'] as const;
export type CheckStatus = (typeof CHECK_STATUSES)[number];

export const PHASES = [1, 2, 3] as const;
export type PhaseNumber = (typeof PHASES)[number];

export interface CheckResult {
  /** Dotted id, stable for CI (e.g. "redis.eviction-policy"). */
  id: string;
  status: CheckStatus;
  /** One line: what was found, with the measured numbers. */
  message: string;
  /** One line: how to fix it (omitted on pass). */
  fix?: string;
  /** Measured values behind the message, for --json and reports. */
  data?: Record<string, unknown>;
  durationMs?: number;
}

export interface CheckContext {
  plan: Plan;
  /** Null when Redis could not be reached; checks that need it return skip (redis.reachable fails). */
  redis: RedisClient | null;
  redisUrl: string;
  namespace: string;
  keys: StateKeys;
  phase: PhaseNumber | undefined;
  tier: string | undefined;
  env: Record<string, string | undefined>;
  timeoutMs: number;
}

export interface Check {
  id: string;
  /** Short human title for tables. */
  title: string;
  /** Phases whose preflight includes it. */
  phases: readonly PhaseNumber[];
  run(ctx: CheckContext): Promise<Omit<CheckResult, 'id'>>;
}
