/** http.auth: the endpoint accepts the token (PING → PONG); 401 fails with the fix. */
import type { Check } from '../types.js';
import { isAuthorized, probe } from './probe.js';

function errorText(json: unknown): string {
  const error = (json as { error?: unknown } | undefined)?.error;
  return typeof error === 'string' ? `: ${error.slice(0, 200)}` : '';
}

export const httpAuth: Check = {
  id: 'http.auth',
  title: 'HTTP Redis token accepted',
  phases: [1],
  async run(ctx) {
    const result = await probe(ctx);
    if (result.state !== 'answered') return { status: 'skip', message: 'the endpoint did not answer (see http.reachable)' };
    const { answer, target } = result;
    if (isAuthorized(answer)) return { status: 'pass', message: `PING answered PONG with the token from ${target.tokenEnv}` };
    if (answer.status === 401 || answer.status === 403) {
      return {
        status: 'fail',
        message: `the endpoint rejected the token from ${target.tokenEnv} (HTTP ${answer.status}${errorText(answer.json)})`,
        fix: `set ${target.tokenEnv} to the REST token of this database (Upstash console → REST API; not the read-only token), or the one serve-http printed`,
        data: { status: answer.status },
      };
    }
    return {
      status: 'fail',
      message: `PING did not answer PONG: HTTP ${answer.status}${errorText(answer.json)}`,
      fix: 'check that UPSTASH_REDIS_REST_URL is the REST URL itself, without a path',
      data: { status: answer.status },
    };
  },
};
