/**
 * `@upstash/redis` as the app will use it: default options (auto-pipelining, base64 responses,
 * automatic deserialization, read-your-writes), except that requests are bounded by the timeout,
 * not retried (a check reports failures, it does not hide them) and send no telemetry headers.
 */
import type { Redis } from '@upstash/redis';
import type { UsableTarget } from './probe.js';

export async function restClient(target: UsableTarget, timeoutMs: number, options: { automaticDeserialization?: boolean } = {}): Promise<Redis> {
  const { Redis } = await import('@upstash/redis');
  return new Redis({
    url: target.url,
    token: target.token,
    enableTelemetry: false,
    retry: false,
    signal: () => AbortSignal.timeout(timeoutMs),
    ...options,
  });
}

/** A throwaway key under the migration namespace, unique per run (the checks delete what they write). */
export function scratchKey(namespace: string, label: string): string {
  return `redis-migrate:{${namespace}}:scratch:${label}:${crypto.randomUUID()}`;
}
