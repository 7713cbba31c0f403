/**
 * Reads a request body within the bridge's limits, parsing commands as the bytes arrive. Anything
 * over a limit is answered at once, before the rest of the body is read: a declared size over the
 * cap (413) or over what the in-flight budget has room for (429), a body that grows past the cap,
 * too many commands, or JSON that cannot become commands (400).
 */
import type { IncomingMessage } from 'node:http';
import { bytesText, type Holding } from './budget.js';
import { CommandParser, TooManyCommands, type BodyShape } from './command-parser.js';
import { errorJson } from './encode.js';
import type { Answer } from './executor.js';
import type { Invalid, RedisCommand } from './request.js';

export interface BodyLimits {
  /** Largest body (413 above). */
  maxRequestBytes: number;
  /** Most commands in one /pipeline or /multi-exec body (413 above). */
  maxPipelineCommands: number;
}

/** The body as commands (JSON shapes) or as text (path-style commands), or the answer to give instead. */
export type Body = { commands: RedisCommand[] } | { text: string } | { refused: Answer };

export function tooLarge(limits: BodyLimits): Answer {
  return {
    status: 413,
    body: errorJson(
      `ERR max request size exceeded: the body is over ${bytesText(limits.maxRequestBytes)} (serve-http --max-request-size); split it into smaller requests`,
    ),
    close: true,
  };
}

function tooManyCommands(limit: number): Answer {
  return {
    status: 413,
    body: errorJson(`ERR too many commands in one request: more than ${limit} (serve-http --max-pipeline-commands); split the pipeline`),
    close: true,
  };
}

function busy(budgetBytes: number): Answer {
  return {
    status: 429,
    body: errorJson(
      `ERR the bridge is busy: large requests already hold its in-flight budget of ${bytesText(budgetBytes)} (serve-http --max-in-flight); retry shortly`,
    ),
    close: true,
    headers: { 'Retry-After': '1' },
  };
}

/**
 * Calls back once, with the body or the answer to give instead. `shape` undefined reads raw text.
 * The bytes read are taken from `holding` (released by the caller when the answer is sent).
 */
export function readBody(
  req: IncomingMessage,
  shape: BodyShape | undefined,
  limits: BodyLimits,
  holding: Holding,
  budgetBytes: number,
  done: (body: Body) => void,
): void {
  const declared = req.headers['content-length'] === undefined ? undefined : Number(req.headers['content-length']);
  if (declared !== undefined && declared > limits.maxRequestBytes) return void done({ refused: tooLarge(limits) });
  if (declared !== undefined && !holding.take(declared)) return void done({ refused: busy(budgetBytes) });

  const parser = shape === undefined ? undefined : new CommandParser(shape, limits.maxPipelineCommands);
  const text: Buffer[] = [];
  let size = 0;
  let finished = false;
  const stop = (body: Body) => {
    finished = true;
    req.off('data', onData);
    req.off('end', onEnd);
    // Refused mid-body: stop reading the socket now (it closes once the answer is out).
    if ('refused' in body && body.refused.close) req.pause();
    done(body);
  };
  // `unread`: the rest of the body is still on its way, so the connection closes after the answer.
  const refusal = (problem: Invalid | TooManyCommands, unread: boolean): Body =>
    problem instanceof TooManyCommands
      ? { refused: tooManyCommands(problem.limit) }
      : { refused: { status: 400, body: errorJson(problem.error), close: unread } };
  const onData = (chunk: Buffer) => {
    if (finished) return;
    size += chunk.length;
    if (size > limits.maxRequestBytes) return stop({ refused: tooLarge(limits) });
    // Without a declared length (chunked upload), the budget is taken as the bytes come.
    if (declared === undefined && !holding.take(chunk.length)) return stop({ refused: busy(budgetBytes) });
    if (!parser) return void text.push(chunk);
    const problem = parser.write(chunk);
    if (problem) stop(refusal(problem, true));
  };
  const onEnd = () => {
    if (finished) return;
    if (!parser) return stop({ text: Buffer.concat(text).toString('utf8') });
    const result = parser.end();
    if (!Array.isArray(result)) return stop(refusal(result, false));
    stop({ commands: result });
  };
  req.on('data', onData);
  req.on('end', onEnd);
}
