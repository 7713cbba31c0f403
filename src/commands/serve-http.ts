/**
 * `serve-http`: an Upstash-compatible REST endpoint on top of `--redis-url`, for development and CI.
 * Prints what to export once it listens (stdout; one JSON document under --json), then runs until
 * SIGINT/SIGTERM and shuts down gracefully. Logs go to stderr and never contain the token: the
 * export lines on stdout are the one place it is printed, because handing it over is the point.
 */
import { randomBytes } from 'node:crypto';
import type { CommandContext } from '../cli/context.js';
import { resultDocument, type Outcome } from '../cli/output.js';
import type { Report } from '../usecases/report.js';
import { EXIT, UsageError } from '../errors.js';
import { DEFAULT_LIMITS, startBridge, type Bridge } from '../http/index.js';
import { loggedPath } from '../http/request-log.js';
import { registerSecret } from '../redact.js';
import { isLoopbackHost, parseRedisUrl } from '../redis/url.js';
import { render } from '../cli/render/serve-http.js';

export interface ServeHttpOptions {
  host: string;
  port: string;
  token?: string;
  pool: string;
  logRequests?: boolean;
  maxRequestSize?: string;
  maxPipelineCommands?: string;
  maxInFlight?: string;
  maxSseBacklog?: string;
  allowFlush?: boolean;
}

/** What one request or subscriber may hold (docs/http-bridge.md, "Limits"). */
export interface ServeHttpLimits {
  maxRequestBytes: number;
  maxPipelineCommands: number;
  maxInFlightBytes: number;
  maxSseBacklogBytes: number;
}

export interface ServeHttpReport extends Report {
  url: string;
  token: string;
  tokenSource: 'flag' | 'env' | 'generated';
  host: string;
  port: number;
  /** The Redis behind it, password masked. */
  redis: string;
  pool: number;
  pid: number;
  limits: ServeHttpLimits;
  /** FLUSHALL / FLUSHDB let through (--allow-flush). */
  allowFlush: boolean;
}

function integerOption(name: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) {
    throw new UsageError(`option.${name}`, `invalid --${name} "${text}"`, { fix: `give an integer from ${min} to ${max}` });
  }
  return value;
}

const UNIT_BYTES: Record<string, number> = { '': 1, b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** "10mb", "512kb", "1048576" → bytes (1 kb = 1024 bytes). */
function sizeOption(name: string, text: string | undefined, fallback: number, min: number): number {
  if (text === undefined) return fallback;
  const match = /^(\d+)\s*(b|kb|mb|gb)?$/i.exec(text.trim());
  const bytes = match ? Number(match[1]) * (UNIT_BYTES[(match[2] ?? '').toLowerCase()] ?? 1) : Number.NaN;
  if (!Number.isSafeInteger(bytes) || bytes < min) {
    throw new UsageError(`option.${name}`, `invalid --${name} "${text}"`, {
      fix: `give a size of at least ${min} bytes: bytes, or with a unit (512kb, 10mb, 1gb)`,
    });
  }
  return bytes;
}

function chooseLimits(options: ServeHttpOptions): ServeHttpLimits {
  const limits = {
    maxRequestBytes: sizeOption('max-request-size', options.maxRequestSize, DEFAULT_LIMITS.maxRequestBytes, 1024),
    maxPipelineCommands:
      options.maxPipelineCommands === undefined
        ? DEFAULT_LIMITS.maxPipelineCommands
        : integerOption('max-pipeline-commands', options.maxPipelineCommands, 1, 10_000_000),
    maxInFlightBytes: sizeOption('max-in-flight', options.maxInFlight, DEFAULT_LIMITS.maxInFlightBytes, 1024),
    maxSseBacklogBytes: sizeOption('max-sse-backlog', options.maxSseBacklog, DEFAULT_LIMITS.maxSseBacklogBytes, 1024),
  };
  // Large requests share three quarters of the budget: one of the largest size must fit.
  if (limits.maxInFlightBytes < 2 * limits.maxRequestBytes) {
    throw new UsageError(
      'option.max-in-flight',
      `--max-in-flight (${limits.maxInFlightBytes} bytes) is less than twice --max-request-size (${limits.maxRequestBytes} bytes)`,
      {
        fix: 'raise --max-in-flight, or lower --max-request-size',
      },
    );
  }
  return limits;
}

function chooseToken(ctx: CommandContext, flag: string | undefined): { token: string; source: ServeHttpReport['tokenSource'] } {
  const given = flag ?? ctx.env('UPSTASH_REDIS_REST_TOKEN');
  if (given === undefined) return { token: randomBytes(24).toString('base64url'), source: 'generated' };
  if (!/^[\x21-\x7e]+$/.test(given)) {
    throw new UsageError('option.token', 'the token must be printable ASCII without spaces (it travels in an HTTP header)', {
      fix: 'choose another --token / UPSTASH_REDIS_REST_TOKEN, or leave both out to get a random one',
    });
  }
  return { token: given, source: flag === undefined ? 'env' : 'flag' };
}

async function listen(start: () => Promise<Bridge>, host: string, port: number): Promise<Bridge> {
  try {
    return await start();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      throw new UsageError('http.port-in-use', `port ${port} on ${host} is already in use`, { fix: 'choose another --port (0 picks a free one)' });
    }
    if (code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      throw new UsageError('http.listen', `cannot listen on ${host}:${port} (${code})`, { fix: 'check --host and --port (ports below 1024 need privileges)' });
    }
    throw error;
  }
}

export async function run(ctx: CommandContext, options: ServeHttpOptions): Promise<Outcome<ServeHttpReport>> {
  const port = integerOption('port', options.port, 0, 65_535);
  const pool = integerOption('pool', options.pool, 1, 64);
  const limits = chooseLimits(options);
  const allowFlush = options.allowFlush === true;
  const { token, source } = chooseToken(ctx, options.token);
  registerSecret(token);
  const loaded = await ctx.plan();
  const redisUrl = ctx.redisUrl(loaded);
  const redis = parseRedisUrl(redisUrl).display;
  // Listen for signals before announcing the URL: a supervisor may stop us as soon as it reads it.
  const interrupt = ctx.interruptSignal();
  const stopped = new Promise<void>((resolve) => {
    if (interrupt.signal.aborted) resolve();
    interrupt.signal.addEventListener('abort', () => resolve(), { once: true });
  });

  const bridge = await listen(
    () =>
      startBridge({
        redisUrl,
        token,
        host: options.host,
        port,
        poolSize: pool,
        timeoutMs: ctx.timeoutMs,
        ...limits,
        allowFlush,
        onNotice: (message) => ctx.log(`serve-http: ${message}`),
        ...(options.logRequests ? { onRequest: (e) => ctx.log(`${e.method} ${loggedPath(e.path)} ${e.status} ${e.ms}ms ${e.commands.join(' ')}`) } : {}),
      }),
    options.host,
    port,
  );
  const report: ServeHttpReport = {
    ok: true,
    url: bridge.url,
    token,
    tokenSource: source,
    host: bridge.host,
    port: bridge.port,
    redis,
    pool,
    pid: process.pid,
    limits,
    allowFlush,
  };
  // Straight to stdout, not through the redacting report writer: the token is the point here.
  // One line under --json too: a supervisor reads it as soon as it is there.
  ctx.io.stdout.write(`${ctx.json ? JSON.stringify(resultDocument(ctx.command, report, EXIT.ok)) : render(report)}\n`);

  if (!isLoopbackHost(options.host)) {
    ctx.log(
      `warning: listening on ${options.host}, not loopback: anyone who can reach it and learns the token can use this Redis, and plain HTTP carries the token in clear`,
    );
  }
  ctx.log(`serve-http: Upstash-compatible REST endpoint on ${bridge.url} for ${redis} (${pool} connections); stop with Ctrl-C or SIGTERM`);
  if (allowFlush) ctx.log('serve-http: --allow-flush: FLUSHALL and FLUSHDB are let through; every key of this Redis is one request away');
  await stopped;
  interrupt.dispose();
  ctx.log('serve-http: stopping: finishing in-flight requests...');
  await bridge.close();
  const stats = bridge.stats();
  const overLimit =
    stats.overLimit + stats.droppedSubscribers > 0
      ? `; over a limit: ${stats.overLimit} requests refused, ${stats.droppedSubscribers} slow subscribers dropped`
      : '';
  ctx.log(`serve-http: stopped after ${stats.requests} requests (${stats.commands} commands, ${stats.errors} errors${overLimit})`);
  return { report, written: true, exitCode: EXIT.ok };
}
