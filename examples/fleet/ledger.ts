/**
 * The parent's account of every job and tick the fleet reported (pure): produced, processed,
 * duplicates, lost, and for each repeatable which system fired each tick.
 */
import type { QueueSystem } from './catalog.js';
import type { EventBatch } from './events.js';

export interface SystemCounts {
  produced: number;
  processed: number;
}

export interface RepeatSummary {
  queue: string;
  ticks: number;
  bySystem: Record<QueueSystem, number>;
  /** Ticks fired more than once (in one system or both). */
  doubleFired: number[];
  /** Ticks missing between the first and the last one seen, given the tick period. */
  gaps: number[];
  lastSystem: QueueSystem | null;
}

export interface LedgerSummary {
  produced: number;
  /** Distinct produced jobs processed at least once. */
  processed: number;
  /** Produced and not processed (yet): "lost" once the fleet has drained. */
  outstanding: number;
  /** Jobs processed more than once. */
  duplicates: number;
  /** Processed ids nobody reported producing (should be 0). */
  unknown: number;
  addFailures: number;
  bySystem: Record<QueueSystem, SystemCounts>;
  repeatables: RepeatSummary[];
}

export class Ledger {
  private readonly produced = new Map<string, QueueSystem>();
  private readonly done = new Map<string, { count: number; system: QueueSystem }>();
  private readonly fires = new Map<string, Map<number, QueueSystem[]>>();
  private addFailures = 0;

  /** @param tickMs the repeatables' period, for gap detection (0: do not look for gaps). */
  constructor(private readonly tickMs = 0) {}

  apply(batch: EventBatch): void {
    for (const [id, , system] of batch.produced) this.produced.set(id, system);
    for (const [id, , system] of batch.done) {
      const seen = this.done.get(id);
      if (seen) seen.count++;
      else this.done.set(id, { count: 1, system });
    }
    for (const [queue, system, tick] of batch.fires) {
      const ticks = this.fires.get(queue) ?? new Map<number, QueueSystem[]>();
      this.fires.set(queue, ticks);
      ticks.set(tick, [...(ticks.get(tick) ?? []), system]);
    }
    this.addFailures += batch.addFailures;
  }

  /** Ids produced but not processed yet. */
  outstandingIds(limit = 20): string[] {
    const out: string[] = [];
    for (const id of this.produced.keys()) {
      if (!this.done.has(id)) out.push(id);
      if (out.length >= limit) break;
    }
    return out;
  }

  summary(): LedgerSummary {
    const bySystem: Record<QueueSystem, SystemCounts> = { bull: { produced: 0, processed: 0 }, bullmq: { produced: 0, processed: 0 } };
    let processed = 0;
    let duplicates = 0;
    for (const [id, system] of this.produced) {
      bySystem[system].produced++;
      const done = this.done.get(id);
      if (!done) continue;
      processed++;
      bySystem[done.system].processed++;
      if (done.count > 1) duplicates++;
    }
    let unknown = 0;
    for (const id of this.done.keys()) if (!this.produced.has(id)) unknown++;
    return {
      produced: this.produced.size,
      processed,
      outstanding: this.produced.size - processed,
      duplicates,
      unknown,
      addFailures: this.addFailures,
      bySystem,
      repeatables: [...this.fires].map(([queue, ticks]) => repeatSummary(queue, ticks, this.tickMs)),
    };
  }
}

function repeatSummary(queue: string, ticks: Map<number, QueueSystem[]>, tickMs: number): RepeatSummary {
  const sorted = [...ticks.keys()].sort((a, b) => a - b);
  const bySystem: Record<QueueSystem, number> = { bull: 0, bullmq: 0 };
  const doubleFired: number[] = [];
  for (const tick of sorted) {
    const systems = ticks.get(tick) ?? [];
    for (const system of systems) bySystem[system]++;
    if (systems.length > 1) doubleFired.push(tick);
  }
  const gaps: number[] = [];
  if (tickMs > 0) {
    for (let i = 1; i < sorted.length; i++) {
      for (let t = (sorted[i - 1] as number) + tickMs; t < (sorted[i] as number); t += tickMs) gaps.push(t);
    }
  }
  const last = sorted.at(-1);
  return { queue, ticks: sorted.length, bySystem, doubleFired, gaps, lastSystem: last === undefined ? null : (ticks.get(last)?.at(-1) ?? null) };
}
