/** The edge where reports become text: one JSON document on stdout, or human text. */
import { CliError, EXIT, type ExitCode } from '../errors.js';
import { redact, redactDeep } from '../redact.js';
import type { Report } from '../usecases/report.js';
import { chalk } from './format.js';

export interface Outcome<R extends Report> {
  report: R;
  /** Non-zero when the report itself is a failure (a check failed, a gate closed, drift). */
  exitCode?: ExitCode;
  /**
   * The command already wrote its stdout document (a long-running command such as serve-http
   * prints when it is ready, then runs): nothing more is written, so --json stays one document.
   */
  written?: boolean;
}

export function writeReport<R extends Report>(
  stdout: NodeJS.WritableStream,
  json: boolean,
  outcome: Outcome<R>,
  human: (report: R) => string,
): ExitCode {
  if (outcome.written) return outcome.exitCode ?? EXIT.ok;
  if (json) stdout.write(`${JSON.stringify(redactDeep(outcome.report), null, 2)}\n`);
  else stdout.write(`${redact(human(outcome.report))}\n`);
  return outcome.exitCode ?? EXIT.ok;
}

export interface ErrorDocument {
  ok: false;
  error: { code: string; message: string; fix: string | null; details?: Record<string, unknown> };
}

export function errorDocument(error: unknown): ErrorDocument {
  if (error instanceof CliError) {
    return {
      ok: false,
      error: { code: error.code, message: error.message, fix: error.fix ?? null, ...(error.details ? { details: error.details } : {}) },
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { ok: false, error: { code: 'internal', message, fix: 'this is a bug in redis-migrate; please report it with the output above' } };
}

/** Errors: one line (plus the fix) for people, the error document under --json; stacks only for bugs. */
export function writeError(io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream }, json: boolean, error: unknown): ExitCode {
  const document = redactDeep(errorDocument(error));
  const exitCode = error instanceof CliError ? error.exitCode : EXIT.internal;
  if (json) {
    io.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
  } else {
    io.stderr.write(`${chalk.red('error')} ${document.error.message}\n`);
    if (document.error.fix) io.stderr.write(`${chalk.dim('fix:')} ${document.error.fix}\n`);
  }
  if (!(error instanceof CliError) && error instanceof Error && error.stack) io.stderr.write(`${redact(error.stack)}\n`);
  return exitCode;
}
