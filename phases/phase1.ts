/** Phase 1: cache, rate limiter and SMS rate limiter move from ioredis (TCP) to HTTP Redis. */
import { FIELD } from '../src/state/model.js';
import type { PhaseDefinition } from './types.js';

export const phase1: PhaseDefinition = {
  id: 'phase1',
  title: 'Cache and rate limiters to HTTP Redis',
  steps: [
    { id: 'checks', does: 'run the HTTP checks (endpoint, auth, latency, round trip, deserialization, rate limiters, command budget); a failure stops here unless --force --reason' },
    { id: 'confirm', does: 'ask the operator (or --yes)' },
    { id: 'lock', does: 'take the migration lock' },
    { id: 'baseline', does: 'record the connection count before the change' },
    { id: 'flip', does: 'USE_HTTP_REDIS=true in one atomic change (state, version, audit, publish)' },
    { id: 'confirmations', does: 'wait for running app instances to acknowledge the new version' },
    { id: 'sinks', does: 'mirror the flags to the dotenv file and hook commands' },
    { id: 'soak', does: 'watch for 24h (redis-migrate monitor)' },
  ],
  checks: [
    'redis.reachable',
    'redis.auth',
    'redis.version',
    'redis.persistence',
    'http.configured',
    'http.reachable',
    'http.auth',
    'http.latency',
    'http.roundtrip',
    'http.deserialization',
    'http.ratelimit',
    'http.command-budget',
  ],
  flip: () => ({ [FIELD.useHttpRedis]: 'true' }),
  rollback: () => ({ [FIELD.useHttpRedis]: 'false' }),
};
