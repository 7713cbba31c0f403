/**
 * The HTTP bridge for tests, and small HTTP fakes that stand for broken endpoints: a proxy that
 * drops `Upstash-Encoding` (a server without base64) or rewrites bodies (a plain proxy whose Redis
 * rejects Upstash-only script flags).
 */
import { createServer, request, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { startBridge, type Bridge, type BridgeOptions } from '../../src/http/index.js';

export const TEST_TOKEN = 'test-token-7f3a9c';

export function startTestBridge(redisUrl: string, options: Partial<BridgeOptions> = {}): Promise<Bridge> {
  return startBridge({ redisUrl, token: TEST_TOKEN, port: 0, timeoutMs: 5000, ...options });
}

export interface EditingProxy {
  url: string;
  close(): Promise<void>;
}

/** Forwards to `target`, letting `edit` change the headers and body of each request. */
export async function startProxy(
  target: string,
  edit: { headers?: (headers: Record<string, string>) => Record<string, string>; body?: (body: string) => string },
): Promise<EditingProxy> {
  const upstream = new URL(target);
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = (edit.body ?? ((b: string) => b))(Buffer.concat(chunks).toString('utf8'));
      const headers = { ...(req.headers as Record<string, string>), 'content-length': String(Buffer.byteLength(body)) };
      const out = request(
        { host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: edit.headers ? edit.headers(headers) : headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      out.on('error', () => res.destroy());
      out.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function withoutEncoding(headers: Record<string, string>): Record<string, string> {
  const { 'upstash-encoding': _dropped, ...rest } = headers;
  return rest;
}

/** A raw POST to the bridge: status, JSON body and headers, exactly as a client sees them. */
export async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  // biome-ignore lint/suspicious/noExplicitAny: the bridge's parsed answer, read by path in assertions (a wrong path fails the assertion)
  return { status: response.status, json: json as any, text, headers: response.headers };
}

/**
 * What a CLI run of `phase1` needs for its HTTP checks to pass: a bridge over the test Redis and
 * the environment pointing at it. Pair it with `fastHttpChecks()` in the plan.
 */
export async function restEndpoint(redisUrl: string): Promise<{ env: Record<string, string>; close(): Promise<void> }> {
  const bridge = await startTestBridge(redisUrl);
  return {
    env: { UPSTASH_REDIS_REST_URL: bridge.url, UPSTASH_REDIS_REST_TOKEN: TEST_TOKEN, UPSTASH_DISABLE_TELEMETRY: '1' },
    close: () => bridge.close(),
  };
}

/** The plan's http section with a short budget window (the check otherwise measures for 5 s). */
export function fastHttpChecks(): Record<string, unknown> {
  return { budgetWindow: '200ms', latencyWarnMs: 5000 };
}

export interface RawExchange {
  socket: Socket;
  /** Every byte written by `send` (so a test can tell how much of a body went out). */
  sent(): number;
  send(data: string | Buffer): void;
  /** Status line, headers and body of the first answer, once it is all in (or the socket closes). */
  answer: Promise<{ status: number; headers: string; body: string }>;
  /** Resolves when the server closed the connection. */
  closed: Promise<void>;
}

/**
 * An HTTP/1.1 request written by hand over a socket, for what fetch cannot do: send headers and
 * hold the body back, watch the connection close, stop reading.
 */
export function rawRequest(url: string, head: string[]): RawExchange {
  const { hostname, port } = new URL(url);
  const socket = connect({ host: hostname, port: Number(port) });
  let written = 0;
  let text = '';
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  const answer = new Promise<{ status: number; headers: string; body: string }>((resolve) => {
    const settle = () => {
      const end = text.indexOf('\r\n\r\n');
      if (end === -1) return false;
      const headers = text.slice(0, end);
      const length = Number(/content-length:\s*(\d+)/i.exec(headers)?.[1] ?? Number.NaN);
      const body = text.slice(end + 4);
      if (Number.isFinite(length) && Buffer.byteLength(body) < length) return false;
      resolve({ status: Number(headers.slice(9, 12)), headers, body });
      return true;
    };
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      settle();
    });
    socket.once('close', () => settle() || resolve({ status: 0, headers: '', body: text }));
  });
  const send = (data: string | Buffer) => {
    if (socket.destroyed) return;
    written += Buffer.byteLength(data);
    socket.write(data);
  };
  send(`${head.join('\r\n')}\r\n\r\n`);
  return { socket, sent: () => written, send, answer, closed };
}

/** Request head lines for the bridge: method and path, host, token, and any extra header lines. */
export function headLines(method: string, path: string, extra: string[] = [], token = TEST_TOKEN): string[] {
  return [`${method} ${path} HTTP/1.1`, 'Host: 127.0.0.1', `Authorization: Bearer ${token}`, 'Content-Type: application/json', ...extra];
}

/** The body of a raw HTTP/1.1 response with `Transfer-Encoding: chunked`, as far as it arrived. */
export function dechunkedBody(raw: Buffer): string {
  let at = raw.indexOf('\r\n\r\n') + 4;
  const parts: Buffer[] = [];
  while (at < raw.length) {
    const eol = raw.indexOf('\r\n', at);
    if (eol === -1) break;
    const size = Number.parseInt(raw.toString('latin1', at, eol), 16);
    if (!(size > 0)) break;
    parts.push(raw.subarray(eol + 2, Math.min(raw.length, eol + 2 + size)));
    at = eol + 2 + size + 2;
  }
  return Buffer.concat(parts).toString('utf8');
}
