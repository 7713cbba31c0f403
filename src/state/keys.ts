/**
 * Every key of the migration state lives under one hash-tagged namespace so all of it maps to one
 * Redis Cluster slot: the flip script can then touch state, audit and lock atomically.
 */

export interface StateKeys {
  /** Hash: flags, tier states with since-when, version, epoch. */
  state: string;
  /** Stream: the append-only audit trail. */
  audit: string;
  /** String with TTL: who is changing the migration right now. */
  lock: string;
  /** Hash: SDK instance id → JSON record (app, host, pid, applied version). */
  instances: string;
  /** Sorted set: SDK instance id → last heartbeat (server time, ms). */
  heartbeats: string;
  /** Hash: phase step → JSON baseline measured when it started. */
  baselines: string;
  /** Stream, capped: the monitor's samples (connections, rates, job counts), newest last. */
  samples: string;
  /** Hash: per tier, the monitor's healthy soak time and last breach for the tier's current soak. */
  soak: string;
  /** Hash: the monitor's running totals (jobs finished per queue and side, breaches), what they were counted up to, breaches in progress. */
  monitor: string;
  /** Pub/sub channel: the full state after every change. */
  changes: string;
  /** Pub/sub channel: SDK instances acknowledging a version. */
  acks: string;
  /** Hash: the legacy-key cleanup in progress (run id, per-node SCAN cursor, counts), so a re-run resumes. */
  cleanup: string;
}

export function stateKeys(namespace: string): StateKeys {
  const base = `redis-migrate:{${namespace}}:`;
  return {
    state: `${base}state`,
    audit: `${base}audit`,
    lock: `${base}lock`,
    instances: `${base}instances`,
    heartbeats: `${base}heartbeats`,
    baselines: `${base}baselines`,
    samples: `${base}samples`,
    soak: `${base}soak`,
    monitor: `${base}monitor`,
    changes: `${base}changes`,
    acks: `${base}acks`,
    cleanup: `${base}cleanup`,
  };
}

/** Connection names this project sets with CLIENT SETNAME; `connections` classifies by them. */
export const CONNECTION_NAME_PREFIX = {
  cli: 'redis-migrate:cli:',
  sdk: 'redis-migrate:sdk:',
  /** The cache / rate-limiter connection of `redis-migrate/redis` (`redis-migrate:kv:<name>`). */
  kv: 'redis-migrate:kv:',
} as const;
