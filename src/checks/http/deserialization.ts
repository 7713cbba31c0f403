/**
 * http.deserialization: samples real cache keys (the plan's http.cacheKeyPatterns) over TCP, reads
 * them through the HTTP endpoint with the client settings the app will use, and reports the values
 * that would come back as another type, with the fix. The plan records the app's decision in
 * http.automaticDeserialization: unset (not decided: any type change fails), false (values must
 * round-trip exactly), true (the app expects parsed values: changes are listed as a warning).
 */
import type { RedisClient } from '../../redis/client.js';
import type { Check, CheckResult } from '../types.js';
import { classifyRead, describeCounts, summarize, TYPE_CHANGES, type SampledKey } from './deserialization-rules.js';
import { isSkip, usableTarget } from './probe.js';
import { restClient } from './sdk.js';

// SCAN calls per pattern: enough to find a sample in a big keyspace without walking all of it.
const MAX_SCANS = 200;

async function scanPage(redis: RedisClient, cursor: string, pattern: string): Promise<[string, string[]]> {
  try {
    return (await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000, 'TYPE', 'string')) as [string, string[]];
  } catch (error) {
    // Redis 5 has no SCAN ... TYPE; non-string keys are then dropped when their GET fails.
    if (!/syntax/i.test((error as Error).message)) throw error;
    return (await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000)) as [string, string[]];
  }
}

async function sampleKeys(redis: RedisClient, pattern: string, wanted: number): Promise<string[]> {
  const found = new Set<string>();
  let cursor = '0';
  for (let scans = 0; scans < MAX_SCANS; scans++) {
    const [next, keys] = await scanPage(redis, cursor, pattern);
    for (const key of keys) {
      found.add(key);
      if (found.size >= wanted) return [...found];
    }
    cursor = next;
    if (cursor === '0') break;
  }
  return [...found];
}

export const httpDeserialization: Check = {
  id: 'http.deserialization',
  title: 'Cached values keep their type over HTTP',
  phases: [1],
  async run(ctx): Promise<Omit<CheckResult, 'id'>> {
    const { cacheKeyPatterns, sampleSize, automaticDeserialization } = ctx.plan.http;
    if (cacheKeyPatterns.length === 0) {
      return {
        status: 'skip',
        message: 'no cache key patterns in the plan, so no cached values were compared',
        fix: 'list the cache keys in http.cacheKeyPatterns (SCAN syntax, e.g. ["cache:*"])',
      };
    }
    if (!ctx.redis) return { status: 'skip', message: 'Redis over TCP is not reachable, so there is nothing to compare with' };
    const target = await usableTarget(ctx);
    if (isSkip(target)) return target;

    const keys = new Set<string>();
    for (const pattern of cacheKeyPatterns) for (const key of await sampleKeys(ctx.redis, pattern, sampleSize)) keys.add(key);
    const list = [...keys];
    const nothing = {
      status: 'warn' as const,
      message: `no string keys match ${cacheKeyPatterns.join(', ')} on this Redis, so no cached values were compared`,
      fix: 'check http.cacheKeyPatterns against the keys the cache writes (redis-cli --scan --pattern ...)',
      data: { patterns: cacheKeyPatterns, sampled: 0 },
    };
    if (list.length === 0) return nothing;
    const redis = ctx.redis;
    // A key that is not a string (WRONGTYPE) or is gone reads as null and is left out.
    const stored = await Promise.all(list.map((key) => redis.getBuffer(key).catch(() => null)));
    const http = await restClient(target, ctx.timeoutMs, automaticDeserialization === false ? { automaticDeserialization: false } : {});
    // Issued together, so auto-pipelining sends them as one request.
    const read = await Promise.all(list.map((key) => http.get<unknown>(key)));
    const samples: SampledKey[] = [];
    list.forEach((key, i) => {
      const value = stored[i];
      // Expired between the two reads: not a finding.
      if (value === null || value === undefined) return;
      samples.push({ key, kind: classifyRead(value.toString('utf8'), read[i]) });
    });
    if (samples.length === 0) return nothing;
    const summary = summarize(samples);
    const data = { patterns: cacheKeyPatterns, automaticDeserialization: automaticDeserialization ?? null, ...summary };
    const missing = summary.counts.missing ?? 0;
    const altered = summary.counts.altered ?? 0;
    const sampled = `${summary.sampled} sampled key(s)`;

    if (missing > 0 && missing === summary.sampled) {
      return {
        status: 'fail',
        message: `none of the ${sampled} exist through the HTTP endpoint: it does not serve the same database as --redis-url`,
        fix: 'point UPSTASH_REDIS_REST_URL and --redis-url / REDIS_URL at the same database',
        data,
      };
    }
    if (altered > 0) {
      return {
        status: 'fail',
        message: `${altered} of ${sampled} come back altered through HTTP (e.g. ${summary.examples.altered?.join(', ')})`,
        fix: 'the endpoint or client mangles values: check Upstash-Encoding (base64) support and that values are valid UTF-8',
        data,
      };
    }
    const changed = describeCounts(summary.counts, TYPE_CHANGES);
    const examples = TYPE_CHANGES.flatMap((kind) => summary.examples[kind] ?? [])
      .slice(0, 3)
      .join(', ');
    const missingNote = missing ? ` (${missing} missing over HTTP, probably written or expired meanwhile)` : '';
    if (summary.typeChanges === 0) {
      const how = automaticDeserialization === false ? 'with automaticDeserialization: false' : 'with the default settings';
      return { status: 'pass', message: `all ${sampled} read back unchanged ${how}${missingNote}`, data };
    }
    if (automaticDeserialization === true) {
      return {
        status: 'warn',
        message: `of ${sampled}, ${changed} (e.g. ${examples}); the plan says the app expects parsed values`,
        fix: 'make sure no code still JSON.parses these values or relies on them being strings',
        data,
      };
    }
    return {
      status: 'fail',
      message: `with @upstash/redis defaults, of ${sampled}: ${changed} (e.g. ${examples})${missingNote}`,
      fix:
        "create the app's client with `new Redis({ ..., automaticDeserialization: false })` so values stay strings as with ioredis, and set http.automaticDeserialization: false in the plan; " +
        "or remove the app's own JSON.parse/String handling for these keys and set http.automaticDeserialization: true",
      data,
    };
  },
};
