/**
 * The soak monitor as a use-case: samples every interval until the duration is over or the signal
 * aborts (SIGTERM for a service), carries on through samples Redis could not answer, and, when
 * asked, hands rollback-worthy breaches to an injected rollback and stops. Live output, metrics
 * and errors go through callbacks; it prints nothing and knows no CLI.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { connectionBudget } from '../plan/budget.js';
import type { Plan } from '../plan/schema.js';
import { serverTimeMs, type RedisClient } from '../redis/client.js';
import { windowEntries, type Breach, type Sample } from '../observe/samples.js';
import type { StateKeys } from '../state/keys.js';
import { readSamples } from '../state/samples.js';
import { SummaryFolder, type MonitorSummary } from './summary.js';
import { takeTick, type MonitorTick, type TickMemory } from './tick.js';

/** Failure rates are judged over about this much time. */
export const FAILURE_RATE_WINDOW_MS = 60_000;

export interface MonitorLoopOptions<R> {
  client: RedisClient;
  plan: Plan;
  keys: StateKeys;
  /** Who the audit names for breaches. */
  actor: string;
  intervalMs: number;
  /** Stop after this long; null: until `signal` aborts. */
  durationMs: number | null;
  signal: AbortSignal;
  /** After every sample: live output, metrics. */
  onTick?(tick: MonitorTick, summary: MonitorSummary): void;
  /** A sample (or the rollback) failed: Redis away or answering errors. The loop tries again next interval. */
  onSampleError?(error: Error): void;
  /** When given, called once with the rollback-worthy breaches of a sample; the loop then stops. */
  rollback?(breaches: Breach[]): Promise<R>;
}

export interface MonitorRun<R> {
  summary: MonitorSummary;
  stopped: 'duration' | 'interrupted' | 'breach';
  elapsedMs: number;
  /** What `rollback` returned, when it ran. */
  rollback: R | null;
}

/** Programming errors end the monitor; everything else is taken as Redis being away for now. */
function isBug(error: unknown): boolean {
  return error instanceof TypeError || error instanceof RangeError || error instanceof ReferenceError || error instanceof SyntaxError;
}

/** Wait `ms`, or less if `signal` aborts first. */
async function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted || ms <= 0) return;
  await delay(ms, undefined, { signal }).catch(() => undefined);
}

/**
 * The failure-rate window of the samples already in the stream, so a restarted monitor judges
 * failure rates over the same window at once instead of starting from nothing.
 */
async function resumeWindow(client: RedisClient, keys: StateKeys, windowSize: number): Promise<TickMemory['window']> {
  const window: TickMemory['window'] = {};
  const [rows, now] = await Promise.all([readSamples<Sample>(client, keys, windowSize), serverTimeMs(client)]);
  for (const { sample } of rows) {
    // Samples older than the window are an earlier run's history, not this window's.
    if (!sample?.queues || typeof sample.at !== 'number' || sample.at < now - FAILURE_RATE_WINDOW_MS) continue;
    for (const [queue, entry] of Object.entries(windowEntries(sample))) window[queue] = [...(window[queue] ?? []), entry];
  }
  return window;
}

export async function runMonitor<R>(options: MonitorLoopOptions<R>): Promise<MonitorRun<R>> {
  const { client, plan, keys, intervalMs, durationMs, signal } = options;
  const windowSize = Math.max(1, Math.ceil(FAILURE_RATE_WINDOW_MS / intervalMs));
  const folder = new SummaryFolder(plan);
  const memory: TickMemory = { previous: null, startBacklog: null, window: {} };
  const ctx = { client, plan, keys, actor: options.actor, windowSize, maxGapMs: 2 * intervalMs, budget: connectionBudget(plan) };
  const started = performance.now();
  let stopped: MonitorRun<R>['stopped'] = 'duration';
  let rollback: R | null = null;
  let windowResumed = false;

  while (true) {
    const tickStarted = performance.now();
    try {
      if (!windowResumed) {
        memory.window = await resumeWindow(client, keys, windowSize);
        windowResumed = true;
      }
      const tick = await takeTick(ctx, memory);
      folder.add(tick);
      options.onTick?.(tick, folder.summary);
      const worthy = tick.sample.breaches.filter((breach) => breach.rollbackWorthy);
      if (options.rollback && worthy.length) {
        rollback = await options.rollback(worthy).catch((error: unknown) => {
          if (isBug(error)) throw error;
          // Retried at the next sample while the breach lasts: a rollback is idempotent.
          throw new Error(`auto-rollback failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
        });
        stopped = 'breach';
        break;
      }
    } catch (error) {
      if (isBug(error)) throw error;
      folder.failed();
      options.onSampleError?.(error instanceof Error ? error : new Error(String(error)));
    }
    const elapsed = performance.now() - started;
    if (durationMs !== null && elapsed >= durationMs) break;
    const untilNext = intervalMs - (performance.now() - tickStarted);
    await sleep(durationMs === null ? untilNext : Math.min(untilNext, durationMs - elapsed), signal);
    if (signal.aborted) {
      stopped = 'interrupted';
      break;
    }
  }
  return { summary: folder.summary, stopped, elapsedMs: Math.round(performance.now() - started), rollback };
}
