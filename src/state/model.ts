/**
 * The migration state as stored in the state hash, and pure functions over it. Field names in
 * Redis are fixed (not the plan's env flag names) so a renamed flag never orphans state.
 */

export const TIER_STATES = ['legacy', 'bullmq'] as const;
export type TierState = (typeof TIER_STATES)[number];

export interface TierRecord {
  state: TierState;
  /** Server time (ms) of the last change of `state`, or null if never changed. */
  since: number | null;
  queues: string[];
}

export interface FlagState {
  /** Random id set when the state was first written; changes if the state was wiped and rebuilt. */
  epoch: string | null;
  /** Increases by one with every change; 0 means nothing was ever flipped. */
  version: number;
  useBullmq: boolean;
  useBullmqSince: number | null;
  useHttpRedis: boolean;
  useHttpRedisSince: number | null;
  tiers: Record<string, TierRecord>;
  updatedAt: number | null;
  updatedBy: string | null;
}

export const FIELD = {
  version: 'version',
  epoch: 'epoch',
  useBullmq: 'useBullmq',
  useHttpRedis: 'useHttpRedis',
  updatedAt: 'updatedAt',
  updatedBy: 'updatedBy',
  tier: (name: string) => `tier:${name}`,
  tierQueues: (name: string) => `tier:${name}:queues`,
  since: (field: string) => `${field}:since`,
} as const;

/** Desired field values for one change: only fields listed here are compared and written. */
export type FieldChanges = Record<string, string>;

function toNumber(text: string | undefined): number | null {
  if (text === undefined || text === '') return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : null;
}

export function emptyState(): FlagState {
  return {
    epoch: null,
    version: 0,
    useBullmq: false,
    useBullmqSince: null,
    useHttpRedis: false,
    useHttpRedisSince: null,
    tiers: {},
    updatedAt: null,
    updatedBy: null,
  };
}

/** Parse the state hash (HGETALL, or the JSON object published on every change). */
export function parseStateHash(hash: Record<string, string>): FlagState {
  const state = emptyState();
  state.epoch = hash[FIELD.epoch] || null;
  state.version = toNumber(hash[FIELD.version]) ?? 0;
  state.useBullmq = hash[FIELD.useBullmq] === 'true';
  state.useBullmqSince = toNumber(hash[FIELD.since(FIELD.useBullmq)]);
  state.useHttpRedis = hash[FIELD.useHttpRedis] === 'true';
  state.useHttpRedisSince = toNumber(hash[FIELD.since(FIELD.useHttpRedis)]);
  state.updatedAt = toNumber(hash[FIELD.updatedAt]);
  state.updatedBy = hash[FIELD.updatedBy] || null;
  for (const [field, value] of Object.entries(hash)) {
    const match = /^tier:([^:]+)$/.exec(field);
    if (!match) continue;
    const name = match[1] as string;
    state.tiers[name] = {
      state: value === 'bullmq' ? 'bullmq' : 'legacy',
      since: toNumber(hash[FIELD.since(field)]),
      queues: (hash[FIELD.tierQueues(name)] ?? '').split(',').filter(Boolean),
    };
  }
  return state;
}

export function tierState(state: FlagState, tier: string): TierState {
  return state.tiers[tier]?.state ?? 'legacy';
}

/**
 * Tiers whose queues the apps actually run on BullMQ right now (the master switch included), in
 * plan order. Only the plan's tiers count: a name found only in Redis is never trusted.
 */
export function effectiveBullmqTiers(state: FlagState, tierOrder: readonly string[]): string[] {
  return state.useBullmq ? recordedBullmqTiers(state, tierOrder) : [];
}

/** The plan's tiers recorded as on BullMQ, whatever the master switch says, in plan order. */
export function recordedBullmqTiers(state: FlagState, tierOrder: readonly string[]): string[] {
  return tierOrder.filter((name) => tierState(state, name) === 'bullmq');
}

/**
 * Tier names the state hash holds that the plan does not: written straight into Redis, or left by
 * a plan that lost a tier. Never acted on (not in sinks, budgets, gates or the SDK); drift reports them.
 */
export function unknownTiers(state: FlagState, tierOrder: readonly string[]): string[] {
  return Object.keys(state.tiers).filter((name) => !tierOrder.includes(name));
}

/** A tier whose queues a change moves to the other system. */
export interface TierMove {
  tier: string;
  from: TierState;
  to: TierState;
}

/** The state a change would leave: the hash with the changed fields written over it. */
export function stateWith(hash: Record<string, string>, changes: FieldChanges): FlagState {
  return parseStateHash({ ...hash, ...changes });
}

/** Tiers that run on a different system in `after` than in `before` (plan order first). */
export function tierMoves(before: FlagState, after: FlagState, tierOrder: readonly string[]): TierMove[] {
  const was = new Set(effectiveBullmqTiers(before, tierOrder));
  const now = new Set(effectiveBullmqTiers(after, tierOrder));
  const names = [...new Set([...tierOrder, ...was, ...now])];
  return names
    .filter((name) => was.has(name) !== now.has(name))
    .map((name) => ({ tier: name, from: was.has(name) ? 'bullmq' : 'legacy', to: now.has(name) ? 'bullmq' : 'legacy' }));
}

/** "a, b → legacy; c → BullMQ": the tiers a change moves, grouped by where they go. */
export function movesText(moves: readonly Pick<TierMove, 'tier' | 'to'>[]): string {
  const group = (side: TierMove['to'], label: string) => {
    const tiers = moves.filter((move) => move.to === side).map((move) => move.tier);
    return tiers.length ? `${tiers.join(', ')} → ${label}` : '';
  };
  return [group('legacy', 'legacy'), group('bullmq', 'BullMQ')].filter(Boolean).join('; ');
}

/** Tiers a change would put on BullMQ although their own checks and gate did not run: the change must not happen. */
export function ungatedMoves(moves: readonly TierMove[], gated: readonly string[]): string[] {
  return moves.filter((move) => move.to === 'bullmq' && !gated.includes(move.tier)).map((move) => move.tier);
}

/**
 * Since when a tier has really been running on BullMQ: the later of its own flip and the master
 * switch's, because a rollback of USE_BULLMQ interrupts every tier's soak.
 */
export function effectiveSince(state: FlagState, tier: string): number | null {
  const record = state.tiers[tier];
  if (!state.useBullmq || !record || record.state !== 'bullmq') return null;
  return Math.max(record.since ?? 0, state.useBullmqSince ?? 0) || null;
}

/** What a field means when it was never written: nothing flipped, everything on legacy. */
export function fieldDefault(field: string): string {
  if (field === FIELD.useBullmq || field === FIELD.useHttpRedis) return 'false';
  if (/^tier:[^:]+$/.test(field)) return 'legacy';
  return '';
}

/** The fields of `changes` whose value differs from what the state hash holds (or implies). */
export function diffChanges(hash: Record<string, string>, changes: FieldChanges): FieldChanges {
  const out: FieldChanges = {};
  for (const [field, value] of Object.entries(changes)) {
    if ((hash[field] ?? fieldDefault(field)) !== value) out[field] = value;
  }
  return out;
}

/** Fields whose change starts a clock (`<field>:since`), for soak windows and status. */
export function hasSince(field: string): boolean {
  return field === FIELD.useBullmq || field === FIELD.useHttpRedis || /^tier:[^:]+$/.test(field);
}
