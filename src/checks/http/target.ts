/**
 * Where the HTTP Redis is and how to authenticate (pure): UPSTASH_REDIS_REST_URL, else the plan's
 * http.url; the token only ever from the environment variable the plan names (http.tokenEnv).
 */
import type { Plan } from '../../plan/schema.js';
import { isLoopbackHost } from '../../redis/url.js';

/** The URL shape @upstash/redis accepts (it throws UrlError otherwise). */
const SDK_URL = /^https?:\/\/[^\s#$./?].\S*$/;

export interface HttpTarget {
  url: string | undefined;
  urlSource: 'env' | 'plan' | undefined;
  token: string | undefined;
  /** The variable the token comes from, for messages (never the token itself). */
  tokenEnv: string;
}

function envValue(env: Record<string, string | undefined>, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

export function resolveHttpTarget(plan: Plan, env: Record<string, string | undefined>): HttpTarget {
  const fromEnv = envValue(env, 'UPSTASH_REDIS_REST_URL');
  const url = (fromEnv ?? plan.http.url)?.replace(/\/+$/, '');
  return {
    url,
    urlSource: fromEnv ? 'env' : plan.http.url ? 'plan' : undefined,
    token: envValue(env, plan.http.tokenEnv),
    tokenEnv: plan.http.tokenEnv,
  };
}

export type TargetProblem = { kind: 'no-url' | 'bad-url' | 'no-token'; message: string; fix: string };

/** What stops the target from being used at all; empty when it is usable. */
export function targetProblems(target: HttpTarget): TargetProblem[] {
  const problems: TargetProblem[] = [];
  if (!target.url) {
    problems.push({
      kind: 'no-url',
      message: 'no REST URL: UPSTASH_REDIS_REST_URL is not set and the plan has no http.url',
      fix: 'export UPSTASH_REDIS_REST_URL (the REST URL from the Upstash console; locally: run `redis-migrate serve-http`)',
    });
  } else if (!SDK_URL.test(target.url)) {
    problems.push({
      kind: 'bad-url',
      message: `the REST URL "${target.url}" is not an http(s):// URL that @upstash/redis accepts`,
      fix: 'use the REST URL (https://<name>.upstash.io), not the redis:// one',
    });
  }
  if (!target.token) {
    problems.push({
      kind: 'no-token',
      message: `no REST token: ${target.tokenEnv} is not set`,
      fix: `export ${target.tokenEnv} (the REST token from the Upstash console, or the one serve-http printed)`,
    });
  }
  return problems;
}

/** Plain http:// to another machine sends the token in clear. */
export function isCleartextRemote(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' && !isLoopbackHost(parsed.hostname.replace(/^\[(.*)\]$/, '$1'));
  } catch {
    return false;
  }
}
