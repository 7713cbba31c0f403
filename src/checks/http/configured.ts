/** http.configured: a REST URL and token are set (env, or the plan's http.url). */
import type { Check } from '../types.js';
import { isCleartextRemote, resolveHttpTarget, targetProblems } from './target.js';

export const httpConfigured: Check = {
  id: 'http.configured',
  title: 'HTTP Redis configured',
  phases: [1],
  async run(ctx) {
    const target = resolveHttpTarget(ctx.plan, ctx.env);
    const problems = targetProblems(target);
    const data = { url: target.url ?? null, urlSource: target.urlSource ?? null, tokenEnv: target.tokenEnv, tokenSet: Boolean(target.token) };
    if (problems.length > 0) {
      return { status: 'fail', message: problems.map((problem) => problem.message).join('; '), fix: problems.map((problem) => problem.fix).join('; '), data };
    }
    const where = `${target.url} (from ${target.urlSource === 'env' ? 'UPSTASH_REDIS_REST_URL' : 'the plan'}), token from ${target.tokenEnv}`;
    if (target.url && isCleartextRemote(target.url)) {
      return {
        status: 'warn',
        message: `${where}: plain http:// to another host sends the token in clear`,
        fix: 'use the https:// REST URL',
        data,
      };
    }
    return { status: 'pass', message: where, data };
  },
};
