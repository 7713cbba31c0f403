/**
 * One PING through the endpoint, shared by the HTTP checks of one run: http.reachable and
 * http.auth report it, the others skip when it says the endpoint cannot be used.
 */
import { registerSecret } from '../../redact.js';
import type { CheckContext } from '../types.js';
import { restCall, RestFailure, type RestAnswer } from './rest.js';
import { resolveHttpTarget, targetProblems, type HttpTarget } from './target.js';

export interface UsableTarget extends HttpTarget {
  url: string;
  token: string;
}

export type Probe =
  | { state: 'unconfigured'; target: HttpTarget }
  | { state: 'unreachable'; target: UsableTarget; failure: RestFailure }
  | { state: 'answered'; target: UsableTarget; answer: RestAnswer };

const probes = new WeakMap<CheckContext, Promise<Probe>>();

async function runProbe(ctx: CheckContext): Promise<Probe> {
  const target = resolveHttpTarget(ctx.plan, ctx.env);
  registerSecret(target.token);
  if (targetProblems(target).length > 0) return { state: 'unconfigured', target };
  const usable = target as UsableTarget;
  try {
    return { state: 'answered', target: usable, answer: await restCall(usable, ['PING'], { timeoutMs: ctx.timeoutMs }) };
  } catch (error) {
    if (error instanceof RestFailure) return { state: 'unreachable', target: usable, failure: error };
    throw error;
  }
}

export function probe(ctx: CheckContext): Promise<Probe> {
  let pending = probes.get(ctx);
  if (!pending) {
    pending = runProbe(ctx);
    probes.set(ctx, pending);
  }
  return pending;
}

/** The answer meant "authenticated and working": 200 with PONG. */
export function isAuthorized(answer: RestAnswer): boolean {
  return answer.status === 200 && (answer.json as { result?: unknown } | undefined)?.result === 'PONG';
}

/** For checks that need a working endpoint: the target, or the skip result saying why not. */
export async function usableTarget(ctx: CheckContext): Promise<UsableTarget | { status: 'skip'; message: string }> {
  const result = await probe(ctx);
  if (result.state === 'unconfigured') return { status: 'skip', message: 'the HTTP endpoint is not configured (see http.configured)' };
  if (result.state === 'unreachable') return { status: 'skip', message: 'the HTTP endpoint cannot be reached (see http.reachable)' };
  if (!isAuthorized(result.answer)) return { status: 'skip', message: 'the HTTP endpoint does not accept the token (see http.auth)' };
  return result.target;
}

export function isSkip(value: UsableTarget | { status: 'skip'; message: string }): value is { status: 'skip'; message: string } {
  return 'status' in value;
}
