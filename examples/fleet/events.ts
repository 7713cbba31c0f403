/**
 * What a fleet process reports about its jobs, so a test or the demo can prove exactly-once
 * processing across processes. Sent over the IPC channel (no extra Redis connection), batched per
 * event-loop turn; a handler's "done" resolves only once its record has left the process.
 */
import type { Side as QueueSystem } from '../../src/adapters/queues/index.js';

export type ProducedRecord = [id: string, queue: string, system: QueueSystem];
export type DoneRecord = [id: string, queue: string, system: QueueSystem, attempt: number];
/** `firedAt`: when the handler ran (ms), to tell a tick the library skipped because its workers ran late. */
export type FireRecord = [queue: string, system: QueueSystem, tick: number, firedAt: number];

export interface EventBatch {
  type: 'events';
  from: string;
  produced: ProducedRecord[];
  done: DoneRecord[];
  fires: FireRecord[];
  /** Adds that failed (the producer saw an error, so the job was never produced). */
  addFailures: number;
}

export type FleetMessage =
  | EventBatch
  | { type: 'ready'; from: string; pid: number }
  | { type: 'lanes'; from: string; version: number; running: string[] }
  | { type: 'log'; from: string; level: 'info' | 'warn' | 'error'; message: string }
  | { type: 'stopped'; from: string };

export type ParentMessage = { type: 'stop' } | { type: 'produce'; rate: number };

export type Send = (message: FleetMessage) => Promise<void>;

/** A send over the IPC channel that resolves when the message is handed to the OS. */
export function ipcSend(): Send | undefined {
  if (!process.send) return undefined;
  return (message) =>
    new Promise<void>((resolve) => {
      if (!process.connected) return resolve();
      process.send!(message, undefined, {}, () => resolve());
    });
}

export class EventReporter {
  private batch: EventBatch;
  private waiting: (() => void)[] = [];
  private scheduled = false;

  constructor(
    private readonly from: string,
    private readonly send: Send,
  ) {
    this.batch = this.empty();
  }

  private empty(): EventBatch {
    return { type: 'events', from: this.from, produced: [], done: [], fires: [], addFailures: 0 };
  }

  produced(record: ProducedRecord): void {
    this.batch.produced.push(record);
    this.schedule();
  }

  addFailed(): void {
    this.batch.addFailures++;
    this.schedule();
  }

  /** Resolves once the record has been sent: a job counts as processed only after that. */
  done(record: DoneRecord): Promise<void> {
    this.batch.done.push(record);
    return this.schedule();
  }

  fired(record: FireRecord): Promise<void> {
    this.batch.fires.push(record);
    return this.schedule();
  }

  private schedule(): Promise<void> {
    const sent = new Promise<void>((resolve) => this.waiting.push(resolve));
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => void this.flush());
    }
    return sent;
  }

  async flush(): Promise<void> {
    this.scheduled = false;
    const batch = this.batch;
    const waiting = this.waiting;
    this.batch = this.empty();
    this.waiting = [];
    if (batch.produced.length || batch.done.length || batch.fires.length || batch.addFailures) await this.send(batch);
    for (const resolve of waiting) resolve();
  }
}
