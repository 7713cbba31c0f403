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

/** How the connection for the checks went: redis.reachable, redis.auth and redis.tls report on it. */
export interface ConnectionAttempt {
  ok: boolean;
  /** Time to connect (or to fail), ms. */
  ms: number;
  /** The error an operator sees (code e.g. "redis.timeout", "redis.auth", "redis.tls"), null when connected. */
  error: { code: string; message: string; fix?: string | undefined } | null;
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
  /** Set by preflight; absent when a check runs on a connection made elsewhere. */
  connection?: ConnectionAttempt;
  /** Working directory, for files the plan names (the dotenv sink). Default: the process's. */
  cwd?: string;
  /** The plan file (paths in it, such as code.paths, are relative to it); absent for the embedded plan. */
  planFile?: string;
}

export interface Check {
  id: string;
  /** Short human title for tables. */
  title: string;
  /** Phases whose preflight includes it. */
  phases: readonly PhaseNumber[];
  run(ctx: CheckContext): Promise<Omit<CheckResult, 'id'>>;
}
