/**
 * The parent's account of every job and tick the fleet reported (pure): produced, processed,
 * duplicates, lost, and for each repeatable which system fired each tick.
 */
import type { Side as QueueSystem } from '../../src/adapters/queues/index.js';
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
  /** Ticks missing between the first and the last one seen, given the tick period: lost. */
  gaps: number[];
  /**
   * Ticks missing because the tick before ran after their time: Bull and BullMQ both schedule the
   * next tick from the moment they run one, so workers running late skip ticks by design.
   */
  skippedLate: number[];
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
  private readonly fires = new Map<string, Map<number, { systems: QueueSystem[]; firedAt: number }>>();
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
    for (const [queue, system, tick, firedAt] of batch.fires) {
      const ticks = this.fires.get(queue) ?? new Map<number, { systems: QueueSystem[]; firedAt: number }>();
      this.fires.set(queue, ticks);
      const seen = ticks.get(tick);
      if (seen) seen.systems.push(system);
      else ticks.set(tick, { systems: [system], firedAt });
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

function repeatSummary(queue: string, ticks: Map<number, { systems: QueueSystem[]; firedAt: number }>, tickMs: number): RepeatSummary {
  const sorted = [...ticks.keys()].sort((a, b) => a - b);
  const bySystem: Record<QueueSystem, number> = { bull: 0, bullmq: 0 };
  const doubleFired: number[] = [];
  for (const tick of sorted) {
    const systems = ticks.get(tick)?.systems ?? [];
    for (const system of systems) bySystem[system]++;
    if (systems.length > 1) doubleFired.push(tick);
  }
  const gaps: number[] = [];
  const skippedLate: number[] = [];
  if (tickMs > 0) {
    for (let i = 1; i < sorted.length; i++) {
      const before = sorted[i - 1] as number;
      const ranAt = ticks.get(before)?.firedAt ?? 0;
      for (let t = before + tickMs; t < (sorted[i] as number); t += tickMs) (ranAt >= t ? skippedLate : gaps).push(t);
    }
  }
  const last = sorted.at(-1);
  return {
    queue,
    ticks: sorted.length,
    bySystem,
    doubleFired,
    gaps,
    skippedLate,
    lastSystem: last === undefined ? null : (ticks.get(last)?.systems.at(-1) ?? null),
  };
}
