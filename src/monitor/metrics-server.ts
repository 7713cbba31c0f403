/**
 * The monitor's HTTP endpoint: GET /metrics (Prometheus text format) and GET /healthz (for a
 * container orchestrator or a process manager: 200 while the sampling loop runs, Redis up or not,
 * 503 once it has stopped turning). Nothing else is served.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface MetricsSource {
  metricsText(): Promise<string>;
  readonly contentType: string;
}

export interface LoopHealth {
  /** Host clock (ms) when the sampling loop last finished an iteration, successful or not; null before the first. */
  lastIterationAt: number | null;
  startedAt: number;
  redisUp: boolean | null;
  samples: number;
  failedSamples: number;
}

export interface MetricsServer {
  url: string;
  host: string;
  port: number;
  close(): Promise<void>;
}

/** The loop is stalled when it has not turned for three intervals (at least 30 s: one sample may wait on Redis timeouts). */
export function healthOf(health: LoopHealth, intervalMs: number, now: number): { status: 'ok' | 'stalled'; code: 200 | 503 } {
  const allowedMs = Math.max(3 * intervalMs, 30_000);
  const last = health.lastIterationAt ?? health.startedAt;
  return now - last <= allowedMs ? { status: 'ok', code: 200 } : { status: 'stalled', code: 503 };
}

export async function startMetricsServer(options: {
  host: string;
  port: number;
  source: MetricsSource;
  health: () => LoopHealth;
  intervalMs: number;
}): Promise<MetricsServer> {
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/metrics') {
      options.source.metricsText().then(
        (text) => response.writeHead(200, { 'content-type': options.source.contentType }).end(request.method === 'HEAD' ? undefined : text),
        (error: unknown) => response.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics failed: ${(error as Error).message}\n`),
      );
      return;
    }
    if (path === '/healthz') {
      const health = options.health();
      const verdict = healthOf(health, options.intervalMs, Date.now());
      const body = {
        status: verdict.status,
        redis: health.redisUp === null ? 'unknown' : health.redisUp ? 'up' : 'down',
        lastIterationAt: health.lastIterationAt === null ? null : new Date(health.lastIterationAt).toISOString(),
        samples: health.samples,
        failedSamples: health.failedSamples,
      };
      response.writeHead(verdict.code, { 'content-type': 'application/json' }).end(`${JSON.stringify(body)}\n`);
      return;
    }
    response.writeHead(404, { 'content-type': 'text/plain' }).end('redis-migrate monitor: GET /metrics or /healthz\n');
  });
  // A scraper keeps its connection open; closing the server must not wait for it.
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const shown = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${shown}:${port}`,
    host: options.host,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
