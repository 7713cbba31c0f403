/**
 * No SSE library: an event here is one `data:` line in the exact shape the SDK parses, a few lines to write.
 * `POST /subscribe/<channel>` and `/psubscribe/<pattern>` as server-sent events, the way
 * `@upstash/redis` reads them: `data: subscribe,<ch>,<n>`, `data: message,<ch>,<msg>`,
 * `data: pmessage,<pattern>,<ch>,<msg>`. Messages travel as UTF-8 text, never base64 (the client
 * does not decode them). One Redis subscriber serves every stream; a channel is unsubscribed when
 * its last stream closes.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Redis } from 'ioredis';

export type SubscribeKind = 'subscribe' | 'psubscribe';

const HEARTBEAT_MS = 15_000;

export class SubscriptionHub {
  private readonly channels = new Map<string, Set<ServerResponse>>();
  private readonly patterns = new Map<string, Set<ServerResponse>>();
  private readonly streams = new Set<ServerResponse>();
  private attached: Redis | undefined;

  constructor(private readonly subscriber: () => Promise<Redis>) {}

  get size(): number {
    return this.streams.size;
  }

  private attach(client: Redis): void {
    if (this.attached === client) return;
    this.attached = client;
    client.on('message', (channel: string, message: string) => {
      const line = `data: message,${channel},${message}\n\n`;
      for (const res of this.channels.get(channel) ?? []) res.write(line);
    });
    client.on('pmessage', (pattern: string, channel: string, message: string) => {
      const line = `data: pmessage,${pattern},${channel},${message}\n\n`;
      for (const res of this.patterns.get(pattern) ?? []) res.write(line);
    });
  }

  /** Streams until the client goes away or the bridge shuts down. */
  async open(kind: SubscribeKind, names: string[], req: IncomingMessage, res: ServerResponse, headers: Record<string, string>): Promise<void> {
    const client = await this.subscriber();
    this.attach(client);
    const registry = kind === 'subscribe' ? this.channels : this.patterns;
    const fresh: string[] = [];
    for (const name of names) {
      let streams = registry.get(name);
      if (!streams) {
        streams = new Set();
        registry.set(name, streams);
        fresh.push(name);
      }
      streams.add(res);
    }
    this.streams.add(res);
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
    heartbeat.unref();
    const release = () => {
      clearInterval(heartbeat);
      this.streams.delete(res);
      const gone: string[] = [];
      for (const name of names) {
        const streams = registry.get(name);
        streams?.delete(res);
        if (streams && streams.size === 0) {
          registry.delete(name);
          gone.push(name);
        }
      }
      if (gone.length) void (kind === 'subscribe' ? client.unsubscribe(...gone) : client.punsubscribe(...gone)).catch(() => undefined);
    };
    req.once('close', release);
    res.once('close', release);
    if (fresh.length) await (kind === 'subscribe' ? client.subscribe(...fresh) : client.psubscribe(...fresh));
    res.writeHead(200, { ...headers, 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
    names.forEach((name, i) => res.write(`data: ${kind},${name},${i + 1}\n\n`));
  }

  /** Ends every stream (shutdown). */
  close(): void {
    for (const res of this.streams) res.end();
    this.streams.clear();
  }
}
