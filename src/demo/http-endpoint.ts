/**
 * The HTTP Redis the demo's cache and rate limiters move to in phase 1: the Upstash-compatible
 * bridge (`serve-http`, src/http) over the demo's Redis, on a free loopback port with a random token.
 * Its own Redis connections (`redis-migrate:cli:http:*`) are the server side of HTTP, the part
 * Upstash runs, so they are not counted as the app's.
 */
import { randomBytes } from 'node:crypto';
import { registerSecret } from '../redact.js';

export interface HttpEndpoint {
  url: string;
  token: string;
  stop(): Promise<void>;
}

export async function startHttpEndpoint(redisUrl: string): Promise<HttpEndpoint> {
  const { startBridge } = await import('../http/index.js');
  const token = randomBytes(24).toString('base64url');
  registerSecret(token);
  const bridge = await startBridge({ redisUrl, token, port: 0 });
  return { url: bridge.url, token, stop: () => bridge.close(1000) };
}
