/**
 * The claims the demo set out to check (38-46 → 33-36 → 1-3 connections), judged against what it
 * measured, with the reason (pure). A claim the run could not measure says so instead of passing.
 */
import type { ConnectionSummary } from '../observe/classify.js';

export type ClaimVerdict = 'holds' | 'does not hold' | 'holds only partly' | 'not measured';

export interface Claim {
  claim: string;
  range: [number, number];
  measured: number | null;
  verdict: ClaimVerdict;
  why: string;
}

type Counted = Pick<ConnectionSummary, 'app' | 'byRole' | 'bySystem'>;

export interface ClaimInputs {
  legacy: Counted;
  phase1: Counted;
  /** Whether the cache and limiters really moved to HTTP in phase 1. */
  kvOnHttp: boolean;
  /** Default topology at the end (after phase 3 when it ran): one Worker per queue, one process. */
  finalSingle: Counted;
  /** Merged queues at the end: the worker process and the producer-only API process. */
  finalMergedWorker: Counted | null;
  finalApi: Counted | null;
}

/** The flags SDK's subscriber, while the app still runs it (phase 3 removes it). */
const flagsPart = (count: Counted) => (count.byRole['flags-sdk'] ? ` + ${count.byRole['flags-sdk']} flags subscriber (until phase 3)` : '');
const within = (value: number, [lo, hi]: [number, number]) => value >= lo && value <= hi;
/** The cache and limiter connections (redis-migrate/redis's TCP side). */
const stores = (count: Counted) => count.bySystem.cache;

export function judgeClaims(input: ClaimInputs): Claim[] {
  const claims: Claim[] = [];
  const legacy: [number, number] = [38, 46];
  const l = input.legacy;
  claims.push({
    claim: 'before the migration: 38-46 connections',
    range: legacy,
    measured: l.app,
    verdict: within(l.app, legacy) ? 'holds' : 'does not hold',
    why: `Bull opens 3 connections per queue with a worker (${l.bySystem.legacy} for 11 queues), plus ${stores(l)} cache/limiter, ${l.byRole['bullmq-shared']} shared BullMQ (it carries the flags SDK's commands) and ${l.byRole['flags-sdk']} flags subscriber`,
  });
  const phase1: [number, number] = [33, 36];
  claims.push(
    input.kvOnHttp
      ? {
          claim: 'after phase 1: 33-36 connections',
          range: phase1,
          measured: input.phase1.app,
          verdict: within(input.phase1.app, phase1) ? 'holds' : 'does not hold',
          why: `the ${stores(l)} cache/limiter connections moved to HTTP; the ${input.phase1.bySystem.legacy} Bull connections stay until phase 2`,
        }
      : {
          claim: 'after phase 1: 33-36 connections',
          range: phase1,
          measured: input.phase1.app,
          verdict: 'not measured',
          why: `phase 1 did not move them in this run (no HTTP endpoint, or its checks failed), so the ${stores(input.phase1)} cache/limiter connections stayed on TCP; without them ${input.phase1.app - stores(input.phase1)} would remain`,
        },
  );
  const target: [number, number] = [1, 3];
  const f = input.finalSingle;
  claims.push({
    claim: 'after phase 2, one BullMQ queue per legacy queue: 1-3 connections',
    range: target,
    measured: f.app,
    verdict: within(f.app, target) ? 'holds' : 'does not hold',
    why: `every BullMQ Worker keeps its own blocking connection, even on a shared ioredis: ${f.byRole['bullmq-worker']} Workers + ${f.byRole['bullmq-shared']} shared${flagsPart(f)}${stores(f) ? ` + ${stores(f)} cache/limiter (still TCP)` : ''}`,
  });
  if (input.finalMergedWorker) {
    const w = input.finalMergedWorker;
    const verdict: ClaimVerdict = within(w.app, target) ? 'holds' : within(w.app - stores(w), target) ? 'holds only partly' : 'does not hold';
    claims.push({
      claim: 'after phase 2, queues merged into one BullMQ queue: 1-3 connections per worker process',
      range: target,
      measured: w.app,
      verdict,
      why: `${w.byRole['bullmq-shared']} shared + ${w.byRole['bullmq-worker']} blocking${flagsPart(w)}${stores(w) ? `; plus ${stores(w)} cache/limiter connections still on TCP, so only the queue part is within the target` : ''}; the price: jobs routed by name share one queue's concurrency, pause and metrics`,
    });
  }
  if (input.finalApi) {
    const a = input.finalApi;
    claims.push({
      claim: 'a producer-only (API) process: 1-3 connections',
      range: target,
      measured: a.app,
      verdict: within(a.app, target) ? 'holds' : 'does not hold',
      why: `Queues share one connection and open no blocking one: ${a.byRole['bullmq-shared']} shared${flagsPart(a)}`,
    });
  }
  return claims;
}
