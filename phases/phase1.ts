/** Phase 1: cache, rate limiter and SMS rate limiter move from ioredis (TCP) to HTTP Redis. */
import { checkIdsOf } from '../src/checks/registry.js';
import { FIELD } from '../src/state/model.js';
import type { PhaseDefinition } from './types.js';

export const phase1: PhaseDefinition = {
  id: 'phase1',
  phase: 1,
  title: 'Cache and rate limiters to HTTP Redis',
  steps: [
    {
      id: 'checks',
      does: "run phase 1's checks (the Redis connection and server, drift, and the HTTP endpoint: auth, latency, round trip, deserialization, rate limiters, command budget)",
    },
    { id: 'gate', does: 'a failing check stops here, nothing changed, unless --force --reason passes it (audited as a forced change)' },
    { id: 'confirm', does: 'ask the operator (or --yes)' },
    { id: 'lock', does: 'take the migration lock, then read the state again under it (a change made meanwhile stops here)' },
    { id: 'baseline', does: 'record the connection count before the change' },
    { id: 'flip', does: 'USE_HTTP_REDIS=true in one atomic change (state, version, audit, publish)' },
    { id: 'confirmations', does: 'wait for running app instances to acknowledge the new version' },
    { id: 'sinks', does: 'mirror the flags to the dotenv file and hook commands' },
    { id: 'soak', does: 'watch for 24h (redis-migrate monitor)' },
  ],
  runElsewhere: { soak: 'monitor' },
  checks: checkIdsOf(1),
  checksRunBy: 'phase1 (its gate) and preflight --phase 1',
  flip: () => ({ [FIELD.useHttpRedis]: 'true' }),
  rollback: () => ({ [FIELD.useHttpRedis]: 'false' }),
};
