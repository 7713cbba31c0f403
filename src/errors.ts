/**
 * Errors a user can act on. Each carries a dotted code, a one-line message, a fix hint and the
 * exit code the entry point maps it to. Anything that is not a CliError is a bug (exit 1, stack).
 */

export const EXIT = {
  ok: 0,
  internal: 1,
  usage: 2,
  checkFailed: 3,
  drift: 4,
  lockHeld: 5,
  aborted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export interface CliErrorOptions {
  fix?: string;
  cause?: unknown;
  /** Extra structured data for the JSON error document (numbers, not prose). */
  details?: Record<string, unknown>;
}

export class CliError extends Error {
  readonly code: string;
  readonly exitCode: ExitCode;
  readonly fix: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: string, message: string, exitCode: ExitCode, options: CliErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CliError';
    this.code = code;
    this.exitCode = exitCode;
    this.fix = options.fix;
    this.details = options.details;
  }
}

/** Bad flags, bad plan file, bad URL, missing --yes: exit 2. */
export class UsageError extends CliError {
  constructor(code: string, message: string, options: CliErrorOptions = {}) {
    super(code, message, EXIT.usage, options);
  }
}

/** A check failed or a gate is closed: exit 3. */
export class CheckFailedError extends CliError {
  constructor(code: string, message: string, options: CliErrorOptions = {}) {
    super(code, message, EXIT.checkFailed, options);
  }
}

/** Another operator holds the migration lock: exit 5. */
export class LockHeldError extends CliError {
  constructor(message: string, options: CliErrorOptions = {}) {
    super('lock.held', message, EXIT.lockHeld, options);
  }
}

/** The operator said no, or pressed Ctrl-C: exit 130. */
export class AbortedError extends CliError {
  constructor(message = 'aborted', options: CliErrorOptions = {}) {
    super('aborted', message, EXIT.aborted, options);
  }
}

/** The environment failed us (Redis unreachable, a timeout): exit 1, but one line, no stack. */
export class EnvironmentError extends CliError {
  constructor(code: string, message: string, options: CliErrorOptions = {}) {
    super(code, message, EXIT.internal, options);
  }
}

export function isCliError(error: unknown): error is CliError {
  return error instanceof CliError;
}
