/**
 * What one request or subscriber can hold, at the protocol level (raw HTTP over a socket where
 * fetch would hide it): the body cap, the command cap and the in-flight budget answer before the
 * body is read; a wrong token is answered from the headers alone; a subscriber that stops reading
 * is dropped; numbers keep their digits; a message cannot forge SSE events.
 */
import { Redis as Upstash } from '@upstash/redis';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bridge } from '../../src/http/index.js';
import { dechunkedBody, headLines, post, rawRequest, startTestBridge, TEST_TOKEN } from '../support/http.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';
import { waitFor } from '../support/wait.js';

process.env.UPSTASH_DISABLE_TELEMETRY = '1';

const KB = 1024;
let server: RedisServer;
let bridge: Bridge;
let direct: Redis;
let run = 0;
const key = (name: string) => `lim${run}:${name}`;

beforeAll(async () => {
  server = await startRedis();
  // Small limits, so that each can be reached with little traffic.
  bridge = await startTestBridge(server.url, {
    maxRequestBytes: 128 * KB,
    maxPipelineCommands: 100,
    maxInFlightBytes: 256 * KB,
    maxSseBacklogBytes: 64 * KB,
  });
  direct = server.client();
});

afterAll(async () => {
  await bridge?.close();
  await server?.stop();
});

const pings = (n: number) => JSON.stringify(Array.from({ length: n }, () => ['PING']));

describe('before the body is read', () => {
  it('answers a request without a valid token from its headers, and closes the connection', async () => {
    for (const token of ['wrong-token', '']) {
      const exchange = rawRequest(bridge.url, headLines('POST', '/pipeline', ['Content-Length: 10485760'], token));
      const answer = await exchange.answer;
      expect(answer.status).toBe(401);
      expect(JSON.parse(answer.body)).toEqual({ error: 'Unauthorized' });
      expect(answer.headers).toMatch(/connection: close/i);
      // Not a byte of the 10 MB was sent, and the bridge does not wait for it.
      await exchange.closed;
      expect(exchange.sent()).toBeLessThan(300);
    }
  });

  it('answers 413 to a declared size over the cap at once, and closes', async () => {
    const exchange = rawRequest(bridge.url, headLines('POST', '/pipeline', [`Content-Length: ${129 * KB}`]));
    const answer = await exchange.answer;
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body).error).toMatch(/^ERR max request size exceeded: the body is over 128 KB \(serve-http --max-request-size\)/);
    await exchange.closed;
    // fetch sees the same answer for a body it sends whole.
    const fetched = await post(bridge.url, ['SET', 'k', 'x'.repeat(130 * KB)]);
    expect(fetched.status).toBe(413);
  });

  it('answers 413 as soon as a body without a declared size grows past the cap', async () => {
    const exchange = rawRequest(bridge.url, headLines('POST', '/', ['Transfer-Encoding: chunked']));
    const chunk = (text: string) => Buffer.from(`${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n`);
    let answered = false;
    void exchange.answer.then(() => (answered = true));
    exchange.send(chunk('["SET","k","'));
    // Keep sending until the answer comes: 128 KB in, the bridge stops reading.
    while (!answered && exchange.sent() < 4096 * KB) {
      exchange.send(chunk('x'.repeat(16 * KB)));
      await new Promise((resolve) => setImmediate(resolve));
    }
    const answer = await exchange.answer;
    expect(answer.status).toBe(413);
    await exchange.closed;
    expect(exchange.sent()).toBeLessThan(4096 * KB);
  });

  it('answers 413 at the command past the cap, without waiting for the rest of the pipeline', async () => {
    const body = pings(5000);
    const exchange = rawRequest(bridge.url, headLines('POST', '/pipeline', [`Content-Length: ${Buffer.byteLength(body)}`]));
    // Only the first 101 commands of 5000 are sent.
    exchange.send(body.slice(0, 101 * 9 + 1));
    const answer = await exchange.answer;
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body).error).toBe('ERR too many commands in one request: more than 100 (serve-http --max-pipeline-commands); split the pipeline');
    await exchange.closed;
    // At the cap it runs, in order.
    const ok = await post(`${bridge.url}/pipeline`, JSON.parse(pings(100)));
    expect(ok.status).toBe(200);
    expect(ok.json).toHaveLength(100);
    expect((await post(`${bridge.url}/multi-exec`, JSON.parse(pings(101)))).status).toBe(413);
  });

  it('answers 429 to a large request while large ones hold the in-flight budget, and small requests still run', async () => {
    // Two bodies of 96 KB announced and held back: 192 KB, three quarters of the 256 KB budget.
    const holders = [0, 1].map(() => rawRequest(bridge.url, headLines('POST', '/pipeline', [`Content-Length: ${96 * KB}`])));
    await waitFor(async () => (await post(`${bridge.url}/pipeline`, '["PING"]'.padEnd(80 * KB, ' '))).status === 429, { what: 'a 429' });
    const busy = rawRequest(bridge.url, headLines('POST', '/pipeline', [`Content-Length: ${80 * KB}`]));
    const answer = await busy.answer;
    expect(answer.status).toBe(429);
    expect(answer.headers).toMatch(/retry-after: 1/i);
    expect(JSON.parse(answer.body).error).toBe(
      'ERR the bridge is busy: large requests already hold its in-flight budget of 256 KB (serve-http --max-in-flight); retry shortly',
    );
    await busy.closed;
    // The app's ordinary requests are not refused meanwhile.
    const redis = new Upstash({ url: bridge.url, token: TEST_TOKEN });
    expect(await redis.ping()).toBe('PONG');
    // Once the holders go, their share comes back.
    for (const holder of holders) holder.socket.destroy();
    await waitFor(async () => (await post(`${bridge.url}/pipeline`, '[["PING"]]'.padEnd(80 * KB, ' '))).status === 200, { what: 'the budget back' });
  });
});

describe('what a request carries', () => {
  it('keeps the exact digits of integers beyond 2^53 (and numbers as written)', async () => {
    run++;
    const body = `[["SET","${key('big')}",12345678901234567890],["SET","${key('neg')}",-9007199254740993],["ZADD","${key('z')}",1.10,"m"]]`;
    const answer = await post(`${bridge.url}/pipeline`, body);
    expect(answer.json).toEqual([{ result: 'OK' }, { result: 'OK' }, { result: 1 }]);
    expect(await direct.get(key('big'))).toBe('12345678901234567890');
    expect(await direct.get(key('neg'))).toBe('-9007199254740993');
    // Redis gets the exact digits, and the reply carries them too (as Upstash writes them; JSON.parse would round them).
    const incremented = await post(bridge.url, `["INCRBY","${key('n')}",9007199254740993]`);
    expect(incremented.text).toBe('{"result":9007199254740993}');
    expect(await direct.get(key('n'))).toBe('9007199254740993');
    const pipelined = await post(`${bridge.url}/pipeline`, `[["INCRBY","${key('n')}",2],["GET","${key('n')}"]]`);
    expect(pipelined.text).toBe('[{"result":9007199254740995},{"result":"9007199254740995"}]');
  });

  it('runs a long pipeline slice by slice (by count and by bytes), every reply in its place', async () => {
    run++;
    const roomy = await startTestBridge(server.url);
    try {
      // 1,200 commands: three slices of at most 500.
      const commands = Array.from({ length: 1200 }, (_, i) => (i % 10 === 9 ? ['GET', key('c')] : ['INCR', key('c')]));
      const answer = await post(`${roomy.url}/pipeline`, commands);
      let n = 0;
      expect(answer.json).toEqual(commands.map((command) => (command[0] === 'INCR' ? { result: ++n } : { result: String(n) })));
      // 60 values of 10 KB: slices end at 256 KB of arguments; each GET sees the SET before it.
      const big = Array.from({ length: 60 }, (_, i) => [
        ['SET', key(`v${i}`), `${i}:`.padEnd(10 * KB, 'v')],
        ['STRLEN', key(`v${i}`)],
      ]).flat();
      const sizes = await post(`${roomy.url}/pipeline`, big);
      expect(sizes.json).toEqual(big.map((command) => (command[0] === 'SET' ? { result: 'OK' } : { result: 10 * KB })));
    } finally {
      await roomy.close();
    }
  });
});

/** Server-sent events as a spec-following reader sees them: blocks split on blank lines, data lines joined. */
function sseEvents(text: string): { event?: string; data: string }[] {
  return text
    .split(/\r\n\r\n|\n\n|\r\r/)
    .filter((block) => block.trim() !== '' && !block.startsWith(':'))
    .map((block) => {
      const lines = block.split(/\r\n|\n|\r/);
      const event = lines.find((line) => line.startsWith('event: '))?.slice(7);
      const data = lines
        .filter((line) => line.startsWith('data: '))
        .map((line) => line.slice(6))
        .join('\n');
      return event === undefined ? { data } : { event, data };
    });
}

describe('server-sent events', () => {
  const awkward = ['two\n\nparts', 'cr\rlf\r\n', 'x\ndata: message,other,forged', '"quoted"', 'plain, with commas'];

  it('sends each message as one event, whatever line breaks it holds', async () => {
    run++;
    const channel = key('sse');
    const exchange = rawRequest(bridge.url, headLines('POST', `/subscribe/${channel}`, ['Accept: text/event-stream', 'Content-Length: 2']));
    exchange.send('[]');
    const raw: Buffer[] = [];
    exchange.socket.on('data', (chunk: Buffer) => raw.push(chunk));
    await waitFor(async () => (await direct.pubsub('NUMSUB', channel))[1] === 1, { what: 'the subscription' });
    for (const message of awkward) await direct.publish(channel, message);
    await waitFor(() => dechunkedBody(Buffer.concat(raw)).includes('commas'), { what: 'the messages' });
    exchange.socket.destroy();
    const events = sseEvents(dechunkedBody(Buffer.concat(raw)));
    expect(events.map((event) => event.data)).toEqual([
      `subscribe,${channel},1`,
      `message,${channel},"two\\n\\nparts"`,
      `message,${channel},"cr\\rlf\\r\\n"`,
      `message,${channel},"x\\ndata: message,other,forged"`,
      `message,${channel},"quoted"`,
      `message,${channel},plain, with commas`,
    ]);
  });

  it('gives @upstash/redis the messages exactly as published, and no forged one', async () => {
    run++;
    const channel = key('sdk');
    const redis = new Upstash({ url: bridge.url, token: TEST_TOKEN });
    const subscriber = redis.subscribe<unknown>([channel]);
    const received: unknown[] = [];
    const forged: unknown[] = [];
    subscriber.on(`message:${channel}`, ({ message }) => received.push(message));
    subscriber.on('message:other', ({ message }) => forged.push(message));
    await waitFor(async () => (await direct.pubsub('NUMSUB', channel))[1] === 1, { what: 'the subscription' });
    for (const message of awkward) await direct.publish(channel, message);
    await waitFor(() => received.length === awkward.length, { what: 'the messages' });
    await subscriber.unsubscribe();
    // The SDK JSON-parses messages: '"quoted"' arrives as 'quoted', as it would from Upstash.
    expect(received).toEqual(['two\n\nparts', 'cr\rlf\r\n', 'x\ndata: message,other,forged', 'quoted', 'plain, with commas']);
    expect(forged).toEqual([]);
  });

  it('drops a subscriber that stops reading, with an error event, instead of buffering without end', async () => {
    run++;
    const channel = key('slow');
    const exchange = rawRequest(bridge.url, headLines('POST', `/subscribe/${channel}`, ['Accept: text/event-stream', 'Content-Length: 2']));
    exchange.send('[]');
    const raw: Buffer[] = [];
    const collect = (chunk: Buffer) => raw.push(chunk);
    exchange.socket.on('data', collect);
    await waitFor(async () => (await direct.pubsub('NUMSUB', channel))[1] === 1, { what: 'the subscription' });
    // The client stops reading; the kernel's buffers fill, then the bridge's.
    exchange.socket.off('data', collect);
    exchange.socket.pause();
    const message = 'm'.repeat(64 * KB);
    const dropsBefore = bridge.stats().droppedSubscribers;
    let published = 0;
    await waitFor(
      async () => {
        for (let i = 0; i < 16; i++, published++) await direct.publish(channel, message);
        return bridge.stats().droppedSubscribers > dropsBefore;
      },
      { what: 'the slow subscriber dropped', timeoutMs: 20_000 },
    );
    // Dropped well before everything published was held: bounded by the backlog and the socket buffers.
    expect(published * 64 * KB).toBeLessThan(256 * 1024 * KB);
    expect((await direct.pubsub('NUMSUB', channel))[1]).toBe(0);
    // The client that reads again finds the reason at the end, and the stream closed.
    exchange.socket.on('data', collect);
    exchange.socket.resume();
    await exchange.closed;
    const last = sseEvents(dechunkedBody(Buffer.concat(raw))).at(-1);
    expect(last?.event).toBe('error');
    expect(last?.data).toMatch(new RegExp(`^error,${channel},ERR slow subscriber: more than 64 KB of messages waited unread`));
  });

  it("hands the reason to @upstash/redis's error listeners", async () => {
    run++;
    const channel = key('sdk-slow');
    // A backlog smaller than one message: the SDK reads fast, but not that fast.
    const strict = await startTestBridge(server.url, { maxSseBacklogBytes: 1024 });
    try {
      const subscriber = new Upstash({ url: strict.url, token: TEST_TOKEN }).subscribe<string>([channel]);
      const errors: unknown[] = [];
      subscriber.on('error', (error) => errors.push(error));
      await waitFor(async () => (await direct.pubsub('NUMSUB', channel))[1] === 1, { what: 'the subscription' });
      await waitFor(
        async () => {
          await direct.publish(channel, 'x'.repeat(256 * KB));
          return errors.length > 0;
        },
        { what: 'the error event', timeoutMs: 20_000 },
      );
      expect(errors[0]).toEqual({ channel, message: expect.stringMatching(/^ERR slow subscriber: more than 1 KB of messages waited unread/) });
      await subscriber.unsubscribe();
    } finally {
      await strict.close();
    }
  });
});
