/** @nestjs/bull's event decorators: the BullMQ event each becomes, and what its listener receives. */
import { KIND, type Kind } from '../kinds.js';

export interface NestEvent {
  event: string;
  global: boolean;
}

const LOCAL: Readonly<Record<string, string>> = {
  OnQueueActive: 'active',
  OnQueueCompleted: 'completed',
  OnQueueFailed: 'failed',
  OnQueueProgress: 'progress',
  OnQueueStalled: 'stalled',
  OnQueueWaiting: 'waiting',
  OnQueueError: 'error',
  OnQueueCleaned: 'cleaned',
  OnQueueDrained: 'drained',
  OnQueuePaused: 'paused',
  OnQueueResumed: 'resumed',
  OnQueueRemoved: 'removed',
};

/** Decorator name → event; `OnQueueEvent(...)` and `OnGlobalQueueEvent(...)` name their event in the argument. */
export function nestEvent(decorator: string): NestEvent | null {
  if (decorator === 'OnQueueEvent') return { event: '', global: false };
  if (decorator === 'OnGlobalQueueEvent') return { event: '', global: true };
  const local = LOCAL[decorator];
  if (local) return { event: local, global: false };
  if (decorator.startsWith('OnGlobalQueue')) {
    const global = LOCAL[`OnQueue${decorator.slice('OnGlobalQueue'.length)}`];
    if (global) return { event: global, global: true };
  }
  return null;
}

/** Listeners of job events receive the job first (global ones receive ids, so nothing is followed). */
export const NEST_EVENT_PARAMS: Readonly<Record<string, readonly (Kind | null)[]>> = {
  OnQueueActive: [KIND.bullJob],
  OnQueueCompleted: [KIND.bullJob],
  OnQueueFailed: [KIND.bullJob],
  OnQueueProgress: [KIND.bullJob],
  OnQueueStalled: [KIND.bullJob],
  OnQueueRemoved: [KIND.bullJob],
};
