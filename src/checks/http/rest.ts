/**
 * One raw REST request, bounded by a timeout, with network failures turned into a message and a
 * fix an operator can act on. Raw (not @upstash/redis) so status codes and timings are exact.
 */

export interface RestAnswer {
  status: number;
  /** Parsed JSON body, or undefined when the body is not JSON. */
  json: unknown;
  ms: number;
}

export class RestFailure extends Error {
  constructor(
    message: string,
    readonly fix: string,
  ) {
    super(message);
    this.name = 'RestFailure';
  }
}

/** fetch's error → why nothing came back (pure). */
export function describeFetchError(error: unknown, url: string, timeoutMs: number): RestFailure {
  const name = (error as Error)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new RestFailure(
      `no answer from ${url} within ${timeoutMs} ms`,
      'check the URL, firewalls and that the endpoint is up (raise --timeout for slow links)',
    );
  }
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  const code = cause?.code ?? (error as { code?: string })?.code;
  switch (code) {
    case 'ECONNREFUSED':
      return new RestFailure(
        `cannot reach ${url}: connection refused`,
        'check UPSTASH_REDIS_REST_URL and that the endpoint runs (locally: `redis-migrate serve-http`)',
      );
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new RestFailure(`cannot resolve the host of ${url}`, 'check the host in UPSTASH_REDIS_REST_URL');
    case 'UND_ERR_SOCKET':
    case 'ECONNRESET':
    case 'HPE_INVALID_CONSTANT':
    case 'UND_ERR_INVALID_ARG':
      return new RestFailure(
        `${url} closed the connection without an HTTP answer`,
        'is this a Redis (TCP) port? UPSTASH_REDIS_REST_URL must be the REST endpoint (https://...), not the redis:// one',
      );
    default:
      if (/certificate|SSL|TLS/i.test(`${code ?? ''} ${cause?.message ?? ''}`)) {
        return new RestFailure(`TLS handshake with ${url} failed: ${cause?.message ?? code}`, 'use http:// for a local endpoint, https:// for Upstash');
      }
      return new RestFailure(
        `cannot reach ${url}: ${cause?.message ?? (error as Error)?.message ?? String(error)}`,
        'check UPSTASH_REDIS_REST_URL and the network',
      );
  }
}

export async function restCall(
  target: { url: string; token: string },
  body: unknown,
  options: { path?: string; timeoutMs: number; headers?: Record<string, string> },
): Promise<RestAnswer> {
  const url = `${target.url}${options.path ?? ''}`;
  const started = performance.now();
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${target.token}`, 'content-type': 'application/json', ...options.headers },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (error) {
    throw describeFetchError(error, target.url, options.timeoutMs);
  }
  const text = await response.text().catch(() => '');
  const ms = performance.now() - started;
  let json: unknown;
  try {
    json = JSON.parse(text) as unknown;
  } catch {
    json = undefined;
  }
  return { status: response.status, json, ms };
}
