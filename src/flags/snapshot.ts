/**
 * What the flags SDK decides from: a snapshot of the store (or of the environment when the store
 * cannot be reached) and the kill switch in the process's own environment. Pure.
 */
import type { FlagState } from '../state/model.js';

export interface FlagNames {
  useBullmq: string;
  bullmqTiers: string;
  useHttpRedis: string;
}

export const DEFAULT_FLAG_NAMES: FlagNames = {
  useBullmq: 'USE_BULLMQ',
  bullmqTiers: 'BULLMQ_TIERS',
  useHttpRedis: 'USE_HTTP_REDIS',
};

export interface FlagSnapshot {
  epoch: string | null;
  /** 0 when the values come from the environment, not the store. */
  version: number;
  useBullmq: boolean;
  useHttpRedis: boolean;
  /** Tiers recorded as on BullMQ; they only count while `useBullmq` is on. */
  bullmqTiers: string[];
  /** Queue name → tier name. */
  queueTier: Record<string, string>;
}

const FALSE = new Set(['false', '0', 'off', 'no']);
const TRUE = new Set(['true', '1', 'on', 'yes']);

function envFlag(value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  const text = value.trim().toLowerCase();
  if (FALSE.has(text)) return false;
  if (TRUE.has(text)) return true;
  return undefined;
}

function invert(tiers: Record<string, string[]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [tier, queues] of Object.entries(tiers)) for (const queue of queues) out[queue] = tier;
  return out;
}

/** Tiers the store names that the app's mapping does not have: never applied (see `snapshotFromState`). */
export function unknownStoreTiers(state: FlagState, appTiers: Record<string, string[]>): string[] {
  return Object.keys(state.tiers).filter((tier) => !Object.hasOwn(appTiers, tier));
}

/**
 * The store's state as the app applies it. Only tiers of the app's own mapping count: a tier name
 * that only Redis knows (written there by hand, or by a plan the app was not told about) never
 * puts a queue on BullMQ.
 */
export function snapshotFromState(state: FlagState, appTiers: Record<string, string[]>): FlagSnapshot {
  const known = Object.entries(state.tiers).filter(([tier]) => Object.hasOwn(appTiers, tier));
  const recorded: Record<string, string[]> = {};
  for (const [tier, record] of known) if (record.queues.length) recorded[tier] = record.queues;
  return {
    epoch: state.epoch,
    version: state.version,
    useBullmq: state.useBullmq,
    useHttpRedis: state.useHttpRedis,
    bullmqTiers: known.filter(([, record]) => record.state === 'bullmq').map(([tier]) => tier),
    // Queue lists written with each flip win; the app's own mapping fills in tiers never flipped.
    queueTier: { ...invert(appTiers), ...invert(recorded) },
  };
}

/** The values an app starts with when the store is unreachable or was never written. */
export function snapshotFromEnv(env: Record<string, string | undefined>, names: FlagNames, tiers: Record<string, string[]>): FlagSnapshot {
  return {
    epoch: null,
    version: 0,
    useBullmq: envFlag(env[names.useBullmq]) ?? false,
    useHttpRedis: envFlag(env[names.useHttpRedis]) ?? false,
    bullmqTiers: (env[names.bullmqTiers] ?? '')
      .split(',')
      .map((tier) => tier.trim())
      .filter(Boolean),
    queueTier: invert(tiers),
  };
}

/** True when `incoming` should replace `current`: a newer version, or a rebuilt store (new epoch). */
export function isNewer(current: FlagSnapshot, incoming: FlagSnapshot): boolean {
  if (incoming.version === 0 || incoming.epoch === null) return false;
  if (incoming.epoch !== current.epoch) return true;
  return incoming.version > current.version;
}

/** The kill switch: USE_BULLMQ=false in the process environment always wins. */
export function killSwitchOn(env: Record<string, string | undefined>, names: FlagNames): boolean {
  return envFlag(env[names.useBullmq]) === false;
}

export function queueOnBullmq(snapshot: FlagSnapshot, queue: string, env: Record<string, string | undefined>, names: FlagNames): boolean {
  if (killSwitchOn(env, names) || !snapshot.useBullmq) return false;
  const tier = snapshot.queueTier[queue];
  return tier !== undefined && snapshot.bullmqTiers.includes(tier);
}

export function httpRedisOn(snapshot: FlagSnapshot, env: Record<string, string | undefined>, names: FlagNames): boolean {
  if (envFlag(env[names.useHttpRedis]) === false) return false;
  return snapshot.useHttpRedis;
}
