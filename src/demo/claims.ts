/**
 * The claims the demo set out to check (38-46 → 33-36 → 1-3 connections), judged against what it
 * measured, with the reason (pure). A claim the run could not measure says so instead of passing.
 */
import type { ConnectionCount } from './connections.js';

export type ClaimVerdict = 'holds' | 'does not hold' | 'holds only partly' | 'not measured';

export interface Claim {
  claim: string;
  range: [number, number];
  measured: number | null;
  verdict: ClaimVerdict;
  why: string;
}

export interface ClaimInputs {
  legacy: ConnectionCount;
  phase1: ConnectionCount;
  /** Whether the cache and limiters really moved to HTTP in phase 1. */
  kvOnHttp: boolean;
  /** Default topology, everything on BullMQ (one Worker per queue, one process). */
  finalSingle: ConnectionCount;
  bullmqWorkers: number;
  /** Merged queues: the worker process and the producer-only API process, everything on BullMQ. */
  finalMergedWorker: ConnectionCount | null;
  finalApi: ConnectionCount | null;
}

const within = (value: number, [lo, hi]: [number, number]) => value >= lo && value <= hi;

export function judgeClaims(input: ClaimInputs): Claim[] {
  const claims: Claim[] = [];
  const legacy: [number, number] = [38, 46];
  claims.push({
    claim: 'before the migration: 38-46 connections',
    range: legacy,
    measured: input.legacy.total,
    verdict: within(input.legacy.total, legacy) ? 'holds' : 'does not hold',
    why: `Bull opens 3 connections per queue with a worker (${input.legacy.byRole.bull} for 11 queues), plus ${input.legacy.byRole.kv} cache/limiter, ${input.legacy.byRole['bullmq-shared']} shared and ${input.legacy.byRole['flags-sdk']} flags connection(s)`,
  });
  const phase1: [number, number] = [33, 36];
  claims.push(
    input.kvOnHttp
      ? {
          claim: 'after phase 1: 33-36 connections',
          range: phase1,
          measured: input.phase1.total,
          verdict: within(input.phase1.total, phase1) ? 'holds' : 'does not hold',
          why: `the ${input.legacy.byRole.kv} cache/limiter connections moved to HTTP; the 33 Bull connections stay until phase 2`,
        }
      : {
          claim: 'after phase 1: 33-36 connections',
          range: phase1,
          measured: input.phase1.total,
          verdict: 'not measured',
          why: 'no HTTP endpoint in this run (serve-http is not part of this build), so the cache and limiters stayed on TCP; moving them would leave 33 Bull + the shared and flags connections',
        },
  );
  const target: [number, number] = [1, 3];
  const queueOnly = (count: ConnectionCount) => count.total - count.byRole.kv;
  claims.push({
    claim: 'after phase 2, one BullMQ queue per legacy queue: 1-3 connections',
    range: target,
    measured: input.finalSingle.total,
    verdict: within(input.finalSingle.total, target) ? 'holds' : 'does not hold',
    why: `every BullMQ Worker keeps its own blocking connection, even on a shared ioredis: ${input.bullmqWorkers} Workers + 1 shared + ${input.finalSingle.byRole['flags-sdk']} flags${input.finalSingle.byRole.kv ? ` + ${input.finalSingle.byRole.kv} cache/limiter (still TCP)` : ''}`,
  });
  if (input.finalMergedWorker) {
    const worker = input.finalMergedWorker;
    const verdict: ClaimVerdict = within(worker.total, target) ? 'holds' : within(queueOnly(worker), target) ? 'holds only partly' : 'does not hold';
    claims.push({
      claim: 'after phase 2, queues merged into one BullMQ queue: 1-3 connections per worker process',
      range: target,
      measured: worker.total,
      verdict,
      why: `1 shared + ${worker.byRole['bullmq-blocking']} blocking + ${worker.byRole['flags-sdk']} flags subscriber (gone after phase 3)${worker.byRole.kv ? `; plus ${worker.byRole.kv} cache/limiter connections still on TCP, so only the queue part is within the target` : ''}; the price: jobs routed by name share one queue's concurrency, pause and metrics`,
    });
  }
  if (input.finalApi) {
    claims.push({
      claim: 'a producer-only (API) process: 1-3 connections',
      range: target,
      measured: input.finalApi.total,
      verdict: within(input.finalApi.total, target) ? 'holds' : 'does not hold',
      why: `Queues share one connection and open no blocking one: ${input.finalApi.byRole['bullmq-shared']} shared + ${input.finalApi.byRole['flags-sdk']} flags subscriber`,
    });
  }
  return claims;
}
