/**
 * The phase 1 HTTP checks, in the order they should run (later ones skip when an earlier one
 * shows the endpoint cannot be used). The check catalogue includes this array; phase1 runs it
 * before it flips USE_HTTP_REDIS.
 */
import type { Check } from '../types.js';
import { httpAuth } from './auth.js';
import { httpCommandBudget } from './command-budget.js';
import { httpConfigured } from './configured.js';
import { httpDeserialization } from './deserialization.js';
import { httpLatency } from './latency.js';
import { httpRatelimit } from './ratelimit.js';
import { httpReachable } from './reachable.js';
import { httpRoundtrip } from './roundtrip.js';

export const httpChecks: readonly Check[] = [
  httpConfigured,
  httpReachable,
  httpAuth,
  httpLatency,
  httpRoundtrip,
  httpDeserialization,
  httpRatelimit,
  httpCommandBudget,
];
