/** The adapter's own errors: the project's error model (code, message, fix), named for what went wrong. */
import { UsageError } from '../../errors.js';

/** An option the adapter cannot honour on one of the two sides, or a malformed one; thrown at the call that passed it. */
export class QueueOptionError extends UsageError {
  constructor(code: string, message: string, fix: string) {
    super(code, message, { fix });
    this.name = 'QueueOptionError';
  }
}

/** The adapter is closing or closed: nothing new is accepted. */
export class QueuesClosedError extends Error {
  readonly code = 'queues.closed';
  constructor(what: string) {
    super(`${what}: the queues are closing (close() was called)`);
    this.name = 'QueuesClosedError';
  }
}
