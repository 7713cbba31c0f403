/**
 * http.roundtrip: SET (with EX), GET, TTL, DEL and a short PX expiry through @upstash/redis with its
 * default options, on scratch keys. A value that does not come back intact usually means the
 * endpoint ignores `Upstash-Encoding: base64`.
 */
import type { Check, CheckResult } from '../types.js';
import { isSkip, usableTarget } from './probe.js';
import { restClient, scratchKey } from './sdk.js';

const TTL_SECONDS = 60;
const SHORT_PX = 200;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const httpRoundtrip: Check = {
  id: 'http.roundtrip',
  title: 'HTTP Redis set/get/del',
  phases: [1],
  async run(ctx): Promise<Omit<CheckResult, 'id'>> {
    const target = await usableTarget(ctx);
    if (isSkip(target)) return target;
    const redis = await restClient(target, ctx.timeoutMs);
    const key = scratchKey(ctx.namespace, 'http-roundtrip');
    const shortKey = `${key}:px`;
    const textKey = `${key}:text`;
    // Valid base64 ("test" + hex), which an endpoint that ignores Upstash-Encoding gets decoded into
    // garbage; then non-ASCII text, which must survive the encoding both ways.
    const value = `test${key.slice(-8)}`;
    const text = 'naïve café ✓ 日本 "quoted"';
    const fail = (message: string, fix = 'check that the endpoint speaks the Upstash REST protocol, base64 responses included') => ({
      status: 'fail' as const,
      message,
      fix,
    });
    try {
      const set = await redis.set(key, value, { ex: TTL_SECONDS });
      if (set !== 'OK') return fail(`SET answered ${JSON.stringify(set)}, not "OK"`);
      const got = await redis.get<string>(key);
      if (got !== value) return fail(`GET returned ${JSON.stringify(got)} instead of the value written`);
      await redis.set(textKey, text, { ex: TTL_SECONDS });
      const gotText = await redis.get<string>(textKey);
      if (gotText !== text) return fail(`GET of a non-ASCII value returned ${JSON.stringify(gotText)} instead of ${JSON.stringify(text)}`);
      const ttl = await redis.ttl(key);
      if (!(ttl > 0 && ttl <= TTL_SECONDS)) return fail(`TTL is ${ttl} right after SET EX ${TTL_SECONDS}`);
      const deleted = await redis.del(key);
      if (deleted !== 1) return fail(`DEL removed ${deleted} keys instead of 1`);
      if ((await redis.get(key)) !== null) return fail('the key is still there after DEL');
      await redis.set(shortKey, 'x', { px: SHORT_PX });
      await sleep(SHORT_PX * 2);
      if ((await redis.exists(shortKey)) !== 0)
        return fail(`a key set with PX ${SHORT_PX} still exists after ${SHORT_PX * 2} ms`, 'the endpoint does not honour expiries');
      return { status: 'pass', message: `SET EX, GET, TTL (${ttl}s), DEL and a ${SHORT_PX} ms expiry behave as expected`, data: { ttl } };
    } catch (error) {
      return fail(`a command failed: ${(error as Error).message}`);
    } finally {
      await redis.del(key, shortKey, textKey).catch(() => undefined);
    }
  },
};
