/**
 * The HTTP Redis the demo's cache and rate limiters move to in phase 1: the seam for the
 * Upstash-compatible bridge (`serve-http`, src/http). This build has no bridge, so there is no
 * endpoint: phase 1 flips USE_HTTP_REDIS and the fleet keeps its stores on TCP, and the demo says so.
 * With the bridge, start it here over `redisUrl` and return its URL and token; the fleet then uses
 * `@upstash/redis` against it (examples/fleet/kv.ts) and its 3 TCP connections go away.
 */

export interface HttpEndpoint {
  url: string;
  token: string;
  /** The bridge's own Redis connections are the server side of HTTP, not the app's. */
  connectionNamePrefix: string;
  stop(): Promise<void>;
}

export async function startHttpEndpoint(_redisUrl: string): Promise<HttpEndpoint | undefined> {
  return undefined;
}
