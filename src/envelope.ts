/**
 * The one shape of every `--json` document (and of `monitor --ndjson`'s last line), for apps and CI
 * that read the CLI's output. Published as JSON Schema in schemas/envelope.schema.json; explained in
 * docs/state.md#json-output.
 */

/**
 * The envelope's version. It goes up by one when the envelope or the error shape changes, or a field
 * of a command's `result` is removed, renamed or changes meaning. New result fields, new error codes
 * and new `details` do not change it.
 */
export const SCHEMA_VERSION = 1;

/** Why a command did not do what was asked. */
export interface ErrorBody {
  /** Stable dotted id (`redis.unreachable`, `change.blocked`, `lock.held`, `usage.unknownOption`, ...). */
  code: string;
  /** One line: what is wrong. */
  message: string;
  /** One line: how to fix it, or null when there is nothing to suggest. */
  fix: string | null;
  /** The structured facts behind the message (numbers, ids); an empty object when there are none. */
  details: Record<string, unknown>;
}

/** The command ran to its answer. `ok` is true exactly when the exit code is 0. */
export interface ResultDocument<R = Record<string, unknown>> {
  ok: boolean;
  /** The command path as typed: "phase2", "phase3 cleanup", "runbook run". */
  command: string;
  schemaVersion: typeof SCHEMA_VERSION;
  result: R;
}

/** The command could not, or refused to, do what was asked; the exit code says which kind. */
export interface ErrorDocument {
  ok: false;
  /** The command path as typed, or null when the arguments named no command. */
  command: string | null;
  schemaVersion: typeof SCHEMA_VERSION;
  error: ErrorBody;
}

export type JsonDocument<R = Record<string, unknown>> = ResultDocument<R> | ErrorDocument;
