/** http.reachable: the endpoint answers HTTP at all (any status). */
import type { Check } from '../types.js';
import { probe } from './probe.js';
import { round } from './stats.js';

export const httpReachable: Check = {
  id: 'http.reachable',
  title: 'HTTP Redis reachable',
  phases: [1],
  async run(ctx) {
    const result = await probe(ctx);
    if (result.state === 'unconfigured') return { status: 'skip', message: 'no REST URL and token (see http.configured)' };
    if (result.state === 'unreachable') return { status: 'fail', message: result.failure.message, fix: result.failure.fix };
    const ms = round(result.answer.ms, 1);
    return { status: 'pass', message: `${result.target.url} answered HTTP ${result.answer.status} in ${ms} ms`, data: { status: result.answer.status, ms } };
  },
};
