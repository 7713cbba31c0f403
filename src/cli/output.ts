/**
 * The edge where reports become output: the --json envelope (src/envelope.ts), the same envelope
 * as the last line of an NDJSON stream, or human text. Everything written here is redacted.
 */
import { SCHEMA_VERSION, type ErrorDocument, type JsonDocument, type ResultDocument } from '../envelope.js';
import { CliError, EXIT, type ExitCode } from '../errors.js';
import { redact, redactDeep } from '../redact.js';
import type { Report } from '../usecases/report.js';
import { chalk } from './format.js';

/** human: text; json: one pretty-printed document; ndjson: the document on one line, ending a stream. */
export type OutputMode = 'human' | 'json' | 'ndjson';

export interface Outcome<R extends Report> {
  report: R;
  /** Non-zero when the report itself is a failure (a check failed, drift). */
  exitCode?: ExitCode;
  /**
   * The command refused to act and changed nothing (`change.blocked`): machines get this error
   * (with its exit code), people get the report, which shows every cause.
   */
  refusal?: CliError;
  /** The command streamed NDJSON lines to stdout (`monitor --ndjson`): the document ends the stream. */
  ndjson?: boolean;
  /**
   * The command already wrote its stdout document (a long-running command such as serve-http
   * prints when it is ready, then runs): nothing more is written, so --json stays one document.
   */
  written?: boolean;
}

/** A report as the envelope's `result`: `ok` moves up to the envelope, where it means "exit code 0". */
export function resultDocument<R extends Report>(command: string, report: R, exitCode: ExitCode): ResultDocument<Omit<R, 'ok'>> {
  const { ok: _ok, ...result } = report;
  return { ok: exitCode === EXIT.ok, command, schemaVersion: SCHEMA_VERSION, result };
}

export function errorDocument(command: string | null, error: unknown): ErrorDocument {
  const base = { ok: false, command, schemaVersion: SCHEMA_VERSION } as const;
  if (error instanceof CliError) {
    return { ...base, error: { code: error.code, message: error.message, fix: error.fix ?? null, details: error.details ?? {} } };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { ...base, error: { code: 'internal', message, fix: 'this is a bug in redis-migrate; please report it with the output above', details: {} } };
}

/** The document as stdout text: redacted, pretty under --json, one line to end an NDJSON stream. */
export function serializeDocument(document: JsonDocument<unknown>, mode: 'json' | 'ndjson'): string {
  return `${JSON.stringify(redactDeep(document), null, mode === 'json' ? 2 : undefined)}\n`;
}

export function writeReport<R extends Report>(
  stdout: NodeJS.WritableStream,
  mode: OutputMode,
  command: string,
  outcome: Outcome<R>,
  human: (report: R) => string,
): ExitCode {
  const exitCode = outcome.refusal?.exitCode ?? outcome.exitCode ?? EXIT.ok;
  if (outcome.written) return exitCode;
  const format = outcome.ndjson ? 'ndjson' : mode;
  if (format === 'human') {
    stdout.write(`${redact(human(outcome.report))}\n`);
  } else {
    const document = outcome.refusal ? errorDocument(command, outcome.refusal) : resultDocument(command, outcome.report, exitCode);
    stdout.write(serializeDocument(document, format));
  }
  return exitCode;
}

/** Errors: one line (plus the fix) for people, the error document for machines; stacks only for bugs. */
export function writeError(
  io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream },
  mode: OutputMode,
  command: string | null,
  error: unknown,
): ExitCode {
  const document = redactDeep(errorDocument(command, error));
  const exitCode = error instanceof CliError ? error.exitCode : EXIT.internal;
  if (mode === 'human') {
    io.stderr.write(`${chalk.red('error')} ${document.error.message}\n`);
    if (document.error.fix) io.stderr.write(`${chalk.dim('fix:')} ${document.error.fix}\n`);
  } else {
    io.stdout.write(serializeDocument(document, mode));
  }
  if (!(error instanceof CliError) && error instanceof Error && error.stack) io.stderr.write(`${redact(error.stack)}\n`);
  return exitCode;
}
