/**
 * The HTTP side of the bridge: routing, Bearer auth, body reading, the read-your-writes sync token,
 * keep-alive and graceful close. Routes as `@upstash/redis` uses them:
 *   POST /             one command as a JSON array
 *   POST /pipeline     commands in order, errors inline (auto-pipelining sends even one GET here)
 *   POST /multi-exec   a transaction
 *   POST /subscribe/<channel>, /psubscribe/<pattern>   server-sent events
 *   GET|POST /<cmd>/<arg>...                           path-style commands, for curl
 * Nothing is logged per request unless `onRequest` is given (this is the hot path).
 */
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { InFlightBudget } from './budget.js';
import { readBody, tooLarge, type BodyLimits } from './body.js';
import { isReadOnly } from './command-policy.js';
import { errorJson } from './encode.js';
import type { Answer, Executor } from './executor.js';
import { commandFromPath, Invalid, type RedisCommand } from './request.js';
import type { SubscribeKind, SubscriptionHub } from './sse.js';

export interface RequestLogEntry {
  method: string;
  path: string;
  status: number;
  /** Command names only: arguments may hold personal data (phone numbers in SMS limiter keys). */
  commands: string[];
  ms: number;
}

export interface HttpStats {
  requests: number;
  commands: number;
  /** Answers with status 400 or more (auth failures included). */
  errors: number;
  /** Requests refused for a limit: too large (413) or while the in-flight budget was full (429). */
  overLimit: number;
  /** The current read-your-writes token; it grows with every request that writes. */
  syncToken: number;
}

export interface HttpServerOptions {
  token: string;
  executor: Executor;
  hub: SubscriptionHub;
  limits: BodyLimits;
  budget: InFlightBudget;
  keepAliveTimeoutMs: number;
  onRequest?: (entry: RequestLogEntry) => void;
}

const UNAUTHORIZED = errorJson('Unauthorized');
/** Time to receive a whole request, headers and body (10 MB takes well under a second on loopback). */
export const REQUEST_TIMEOUT_MS = 30_000;
const JSON_TYPE = 'application/json';

function anyWrites(commands: RedisCommand[]): boolean {
  for (const command of commands) if (!isReadOnly(command.name)) return true;
  return false;
}

export class HttpFrontend {
  readonly server: Server;
  readonly stats: HttpStats = { requests: 0, commands: 0, errors: 0, overLimit: 0, syncToken: 0 };
  private syncText = '0';
  private closing = false;
  private readonly secret: Buffer;

  constructor(private readonly options: HttpServerOptions) {
    this.secret = Buffer.from(options.token, 'utf8');
    // A body trickled in holds its share of the in-flight budget: 30 s, not Node's 5 minutes.
    this.server = createServer({ requestTimeout: REQUEST_TIMEOUT_MS, headersTimeout: REQUEST_TIMEOUT_MS }, (req, res) => this.handle(req, res));
    // Keep sockets open between the SDK's bursts (Node's default is 5 s).
    this.server.keepAliveTimeout = options.keepAliveTimeoutMs;
  }

  private authorized(header: string | undefined): boolean {
    if (header === undefined || header.length < 8 || header.slice(0, 7).toLowerCase() !== 'bearer ') return false;
    const given = Buffer.from(header.slice(7), 'utf8');
    return given.length === this.secret.length && timingSafeEqual(given, this.secret);
  }

  private send(res: ServerResponse, answer: Answer): void {
    const { status, body } = answer;
    if (status >= 400) this.stats.errors++;
    if (status === 413 || status === 429) this.stats.overLimit++;
    if (res.headersSent) return void res.end(); // a stream that failed after it started
    const headers: Record<string, string | number> = {
      'Content-Type': JSON_TYPE,
      'Content-Length': Buffer.byteLength(body),
      'upstash-sync-token': this.syncText,
      ...answer.headers,
    };
    // Closing drops the unread rest of a refused body; while shutting down, it lets keep-alive
    // sockets go after their last answer.
    if (this.closing || answer.close) headers.Connection = 'close';
    res.writeHead(status, headers);
    res.end(body);
  }

  private wrote(commands: RedisCommand[]): void {
    this.stats.commands += commands.length;
    if (anyWrites(commands)) this.syncText = String(++this.stats.syncToken);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    this.stats.requests++;
    const started = this.options.onRequest ? performance.now() : 0;
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const path = query === -1 ? url : url.slice(0, query);
    let commands: RedisCommand[] = [];
    // Everything this request holds in memory counts against the in-flight budget until it is answered.
    const holding = this.options.budget.hold();
    res.once('close', () => holding.release());
    const finish = (answer: Answer) => {
      holding.add(answer.body.length);
      this.send(res, answer);
      this.options.onRequest?.({
        method: req.method ?? '',
        path,
        status: answer.status,
        commands: commands.map((command) => command.name),
        ms: Math.round((performance.now() - started) * 100) / 100,
      });
    };
    // Answered from the headers alone; the connection closes, so no body is read.
    if (!this.authorized(req.headers.authorization)) return void finish({ status: 401, body: UNAUTHORIZED, close: true });
    const method = req.method;
    if (method !== 'POST' && method !== 'GET') return void finish({ status: 405, body: errorJson('Method Not Allowed: use POST'), close: true });
    if (Number(req.headers['content-length'] ?? 0) > this.options.limits.maxRequestBytes) return void finish(tooLarge(this.options.limits));
    const encoding = req.headers['upstash-encoding'];
    const base64 = typeof encoding === 'string' && encoding.toLowerCase() === 'base64';

    if (path.startsWith('/subscribe/') || path.startsWith('/psubscribe/')) {
      return void this.subscribe(path, req, res).catch((error: unknown) => finish({ status: 503, body: errorJson(`ERR ${(error as Error).message}`) }));
    }
    const isPipeline = path === '/pipeline';
    const isTransaction = path === '/multi-exec';
    const isSingle = path === '/' || path === '';
    if (method === 'GET' && !isSingle && !isPipeline && !isTransaction) {
      return void this.run(commandFromPath(path, undefined), base64).then(finish, (error: unknown) => finish(internal(error)));
    }
    if (method === 'GET') return void finish({ status: 405, body: errorJson('Method Not Allowed: use POST'), close: true });

    const shape = isPipeline || isTransaction ? 'commands' : isSingle ? 'command' : undefined;
    const { limits, budget } = this.options;
    readBody(req, shape, limits, holding, budget.limitBytes, (body) => {
      if ('refused' in body) return finish(body.refused);
      let work: Promise<Answer>;
      if ('text' in body) {
        const command = commandFromPath(path, body.text);
        if (command instanceof Invalid) return finish({ status: 400, body: errorJson(command.error) });
        commands = [command];
        work = this.options.executor.single(command, base64);
      } else {
        commands = body.commands;
        const { executor } = this.options;
        work = isPipeline
          ? executor.pipeline(commands, base64)
          : isTransaction
            ? executor.transaction(commands, base64)
            : executor.single(commands[0] as RedisCommand, base64);
      }
      this.wrote(commands);
      work.then(finish, (error: unknown) => finish(internal(error)));
    });
  }

  private async run(command: RedisCommand | Invalid, base64: boolean): Promise<Answer> {
    if (command instanceof Invalid) return { status: 400, body: errorJson(command.error) };
    const answer = this.options.executor.single(command, base64);
    this.wrote([command]);
    return answer;
  }

  private async subscribe(path: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const kind: SubscribeKind = path.startsWith('/subscribe/') ? 'subscribe' : 'psubscribe';
    let names: string[];
    try {
      names = path
        .slice(kind.length + 2)
        .split('/')
        .filter((part) => part !== '')
        .map((part) => decodeURIComponent(part));
    } catch {
      return this.send(res, { status: 400, body: errorJson('ERR malformed percent-encoding in the path') });
    }
    if (names.length === 0) return this.send(res, { status: 400, body: errorJson(`ERR ${kind} needs a channel: /${kind}/<name>`) });
    await this.options.hub.open(kind, names, req, res, { 'upstash-sync-token': this.syncText });
  }

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve((this.server.address() as { port: number }).port);
      });
    });
  }

  /** Stop accepting, let in-flight requests answer (up to `graceMs`), then drop what is left. */
  async close(graceMs: number): Promise<void> {
    this.closing = true;
    this.options.hub.close();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    const timer = setTimeout(() => this.server.closeAllConnections(), graceMs);
    try {
      await closed;
    } finally {
      clearTimeout(timer);
    }
  }
}

function internal(error: unknown): Answer {
  return { status: 500, body: errorJson(`ERR internal error in the bridge: ${(error as Error)?.message ?? String(error)}`) };
}
