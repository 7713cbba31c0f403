/** http.latency: the median of 20 PINGs over keep-alive HTTP; warns over the plan's threshold. */
import type { Check } from '../types.js';
import { isSkip, usableTarget } from './probe.js';
import { restCall, RestFailure } from './rest.js';
import { percentile, round } from './stats.js';

export const LATENCY_SAMPLES = 20;

export const httpLatency: Check = {
  id: 'http.latency',
  title: 'HTTP Redis latency',
  phases: [1],
  async run(ctx) {
    const target = await usableTarget(ctx);
    if (isSkip(target)) return target;
    const samples: number[] = [];
    let failures = 0;
    let lastFailure: RestFailure | undefined;
    // One request first so the connection (and TLS) set-up does not count.
    for (let i = 0; i <= LATENCY_SAMPLES; i++) {
      try {
        const answer = await restCall(target, ['PING'], { timeoutMs: ctx.timeoutMs });
        if (i > 0) samples.push(answer.ms);
      } catch (error) {
        if (!(error instanceof RestFailure)) throw error;
        failures++;
        lastFailure = error;
      }
    }
    const threshold = ctx.plan.http.latencyWarnMs;
    const p50 = round(percentile(samples, 50));
    const data = {
      samples: samples.length,
      failures,
      p50Ms: p50,
      p95Ms: round(percentile(samples, 95)),
      maxMs: round(Math.max(...samples, 0)),
      thresholdMs: threshold,
    };
    if (failures > 0) {
      return {
        status: 'fail',
        message: `${failures} of ${LATENCY_SAMPLES + 1} requests failed: ${lastFailure?.message}`,
        fix: lastFailure?.fix ?? 'check the endpoint',
        data,
      };
    }
    const text = `p50 ${p50} ms, p95 ${data.p95Ms} ms over ${samples.length} requests`;
    if (p50 > threshold) {
      return {
        status: 'warn',
        message: `${text}: above the plan's ${threshold} ms`,
        fix: 'use an Upstash region close to the app (every cache read pays this), or raise http.latencyWarnMs if it is acceptable',
        data,
      };
    }
    return { status: 'pass', message: `${text} (threshold ${threshold} ms)`, data };
  },
};
