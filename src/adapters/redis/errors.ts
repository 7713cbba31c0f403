/**
 * One error shape for a command Redis refused, whichever transport carried it (pure). ioredis
 * throws a ReplyError with Redis's text; @upstash/redis throws an UpstashError whose text depends on
 * the path (`Command failed: ...` when auto-pipelined, `..., command was: [...]` on HTTP 4xx).
 * Both become a MigratingRedisError whose message is Redis's own text, so app code (and
 * @upstash/ratelimit's NOSCRIPT fallback) sees the same thing on both sides.
 */
import type { Side } from './router.js';

export class MigratingRedisError extends Error {
  override readonly name = 'MigratingRedisError';

  constructor(
    message: string,
    /** The command (lower case), or `pipeline` / `multi`. */
    readonly command: string,
    readonly transport: Side,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const AUTO_PIPELINE_PREFIX = 'Command failed: ';
const COMMAND_WAS = ', command was: ';

/** Redis's error text inside an UpstashError message. */
export function redisTextOfUpstash(message: string): string {
  let text = message.startsWith(AUTO_PIPELINE_PREFIX) ? message.slice(AUTO_PIPELINE_PREFIX.length) : message;
  const at = text.indexOf(COMMAND_WAS);
  if (at !== -1) text = text.slice(0, at);
  return text;
}

/** Errors Redis (or the REST server for it) answered; anything else (network, timeout) passes unchanged. */
export function asCommandError(error: unknown, command: string, transport: Side): unknown {
  if (!(error instanceof Error)) return error;
  if (transport === 'tcp' && error.name === 'ReplyError') return new MigratingRedisError(error.message, command, transport, { cause: error });
  if (transport === 'http' && error.name === 'UpstashError')
    return new MigratingRedisError(redisTextOfUpstash(error.message), command, transport, { cause: error });
  return error;
}

/** A pipeline item's failure, worded as @upstash/redis words it. */
export function pipelineItemError(index: number, command: string, text: string, transport: Side, kind: 'pipeline' | 'multi'): MigratingRedisError {
  return new MigratingRedisError(`Command ${index + 1} [ ${command} ] failed: ${text}`, kind, transport);
}
