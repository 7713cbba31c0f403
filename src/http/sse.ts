/**
 * No SSE library: an event here is one `data:` line in the exact shape the SDK parses, a few lines to write.
 * `POST /subscribe/<channel>` and `/psubscribe/<pattern>` as server-sent events, the way
 * `@upstash/redis` reads them: `data: subscribe,<ch>,<n>`, `data: message,<ch>,<msg>`,
 * `data: pmessage,<pattern>,<ch>,<msg>`. Messages travel as UTF-8 text, never base64 (the client
 * does not decode them). One Redis subscriber serves every stream; a channel is unsubscribed when
 * its last stream closes.
 *
 * A line break inside a message would end the `data:` line (and a blank line the event), so a
 * publisher could forge events. A message or name with CR or LF travels as a JSON string literal
 * instead, which `@upstash/redis` decodes back to the original text (it JSON-parses messages).
 * Splitting it over several `data:` lines, as SSE allows, would not do: the SDK reads each line as
 * an event of its own.
 *
 * A subscriber that does not read cannot make the bridge buffer without end: once more than the
 * backlog limit waits in its stream, it gets an `error` event and the stream closes.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Redis } from 'ioredis';
import { bytesText } from './budget.js';

export type SubscribeKind = 'subscribe' | 'psubscribe';

const HEARTBEAT_MS = 15_000;
/** How long a dropped subscriber has to read its last event before its socket is destroyed. */
const DROP_GRACE_MS = 5000;

/** `text` as one SSE field: as it is, or as a JSON string literal when it holds a line break. */
export function sseText(text: string): string {
  return /[\r\n]/.test(text) ? JSON.stringify(text) : text;
}

/** The event that tells a dropped subscriber why; the SDK hands it to its `error` listeners. */
export function slowSubscriberEvent(name: string, backlogBytes: number): string {
  return `event: error\ndata: error,${sseText(name)},ERR slow subscriber: more than ${bytesText(backlogBytes)} of messages waited unread, so the bridge closed this stream (serve-http --max-sse-backlog); subscribe again\n\n`;
}

interface Stream {
  res: ServerResponse;
  names: string[];
  /**
   * Events that arrived between Redis confirming the subscription and the stream's headers: sent
   * right after the confirmation, in order (Redis counts the subscriber as subscribed already).
   */
  early: string[] | undefined;
  release(): void;
}

export class SubscriptionHub {
  private readonly channels = new Map<string, Set<Stream>>();
  private readonly patterns = new Map<string, Set<Stream>>();
  private readonly streams = new Set<Stream>();
  private attached: Redis | undefined;
  /** Subscribers dropped for not reading. */
  dropped = 0;

  constructor(
    private readonly subscriber: () => Promise<Redis>,
    private readonly maxBacklogBytes: number,
    private readonly notice: (message: string) => void,
  ) {}

  get size(): number {
    return this.streams.size;
  }

  private attach(client: Redis): void {
    if (this.attached === client) return;
    this.attached = client;
    client.on('message', (channel: string, message: string) => {
      const streams = this.channels.get(channel);
      if (streams) this.send(streams, `data: message,${sseText(channel)},${sseText(message)}\n\n`);
    });
    client.on('pmessage', (pattern: string, channel: string, message: string) => {
      const streams = this.patterns.get(pattern);
      if (streams) this.send(streams, `data: pmessage,${sseText(pattern)},${sseText(channel)},${sseText(message)}\n\n`);
    });
  }

  private send(streams: Set<Stream>, event: string): void {
    for (const stream of streams) this.write(stream, event);
  }

  /** Writes, then drops the stream if too much of what was written is still waiting. */
  private write(stream: Stream, text: string): void {
    if (stream.early) return void stream.early.push(text);
    if (stream.res.writableEnded) return;
    stream.res.write(text);
    if (stream.res.writableLength > this.maxBacklogBytes) this.drop(stream);
  }

  private drop(stream: Stream): void {
    stream.release();
    this.dropped++;
    const { res, names } = stream;
    for (const name of names) res.write(slowSubscriberEvent(name, this.maxBacklogBytes));
    // The connection ends once the client has read what is buffered, or is cut after the grace.
    const socket = res.socket;
    res.end();
    socket?.end();
    setTimeout(() => socket?.destroy(), DROP_GRACE_MS).unref();
    this.notice(
      `dropped a slow subscriber (${names.length} channel${names.length === 1 ? '' : 's'}): more than ${bytesText(this.maxBacklogBytes)} waited unread`,
    );
  }

  /** Streams until the client goes away or the bridge shuts down. */
  async open(kind: SubscribeKind, names: string[], req: IncomingMessage, res: ServerResponse, headers: Record<string, string>): Promise<void> {
    const client = await this.subscriber();
    this.attach(client);
    const registry = kind === 'subscribe' ? this.channels : this.patterns;
    let released = false;
    const stream: Stream = {
      res,
      names,
      early: [],
      release: () => {
        if (released) return;
        released = true;
        clearInterval(heartbeat);
        this.streams.delete(stream);
        const gone: string[] = [];
        for (const name of names) {
          const streams = registry.get(name);
          streams?.delete(stream);
          if (streams && streams.size === 0) {
            registry.delete(name);
            gone.push(name);
          }
        }
        if (gone.length) void (kind === 'subscribe' ? client.unsubscribe(...gone) : client.punsubscribe(...gone)).catch(() => undefined);
      },
    };
    const fresh: string[] = [];
    for (const name of names) {
      let streams = registry.get(name);
      if (!streams) {
        streams = new Set();
        registry.set(name, streams);
        fresh.push(name);
      }
      streams.add(stream);
    }
    this.streams.add(stream);
    const heartbeat = setInterval(() => this.write(stream, ': keep-alive\n\n'), HEARTBEAT_MS);
    heartbeat.unref();
    req.once('close', stream.release);
    res.once('close', stream.release);
    if (fresh.length) await (kind === 'subscribe' ? client.subscribe(...fresh) : client.psubscribe(...fresh));
    if (released) return;
    res.writeHead(200, { ...headers, 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
    const early = stream.early ?? [];
    stream.early = undefined;
    for (const [i, name] of names.entries()) this.write(stream, `data: ${kind},${sseText(name)},${i + 1}\n\n`);
    for (const event of early) this.write(stream, event);
  }

  /** Ends every stream (shutdown). */
  close(): void {
    for (const stream of this.streams) stream.res.end();
    this.streams.clear();
  }
}
