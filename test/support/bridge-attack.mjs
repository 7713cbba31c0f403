// Load for the serve-http stress test, in its own process so that building and sending it does not
// slow down the test's own measurements. Loopback only, for a fixed time:
//   - 3 loops sending 10 MB /pipeline bodies of 1.1 million PINGs (the crash),
//   - 1 loop declaring an 11 MB body,
//   - 2 loops sending valid 9 MB pipelines (900 SETs of 10 KB), which the bridge may run or refuse with 429,
//   - a subscriber that never reads, while up to 128 MB of 64 KB messages are published to its channel.
// Each loop pauses a little between requests: the point is what the bridge holds and how it shares
// its time, not how much CPU a load generator can burn on a 2-core machine.
// Prints "ready" once everything runs, then one JSON line: the statuses each attack got.
// Usage: node bridge-attack.mjs <bridge url> <token> <redis url> <seconds> [pings,oversize,valid,sse]
import { connect } from 'node:net';
import { Redis } from 'ioredis';

const [url, token, redisUrl, seconds, only] = process.argv.slice(2);
const wanted = new Set((only ?? 'pings,oversize,valid,sse').split(','));
const port = Number(new URL(url).port);
const deadline = Date.now() + Number(seconds) * 1000;
const MB = 1024 * 1024;

function head(path, length) {
  return `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`;
}

/**
 * Sends a request and resolves with the status of the answer: 0 when the connection broke first,
 * "timeout" when no answer came within 5 s (so the load always ends on time, answered or not).
 */
function exchange(requestHead, body) {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    let text = '';
    const timer = setTimeout(() => done('timeout'), 5000);
    const done = (status) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(status);
    };
    socket.on('error', () => done(Number(text.slice(9, 12)) || 0));
    socket.on('data', (chunk) => {
      text += chunk.toString('latin1');
      if (text.includes('\r\n\r\n')) done(Number(text.slice(9, 12)));
    });
    socket.on('close', () => done(Number(text.slice(9, 12)) || 0));
    socket.write(requestHead);
    if (body) socket.write(body);
  });
}

const results = {};
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function loop(name, request, pauseMs) {
  if (!wanted.has(name)) return;
  results[name] ??= {};
  const counts = results[name];
  while (Date.now() < deadline) {
    const status = await request();
    counts[status] = (counts[status] ?? 0) + 1;
    await pause(pauseMs);
  }
}

const pings = Buffer.from(`[${'["PING"],'.repeat(Math.floor((10 * MB - 10) / 9))}["PING"]]`);
const value = 'v'.repeat(10_000);
const sets = Buffer.from(JSON.stringify(Array.from({ length: 900 }, (_, i) => ['SET', `stress:${i}`, value])));
const oversize = Buffer.alloc(MB, 0x20);

// The subscriber that never reads: headers in, then the socket is paused for good.
const channel = `stress:slow:${process.pid}`;
const subscriber = connect({ port, host: '127.0.0.1' });
subscriber.on('error', () => undefined);
subscriber.write(
  `POST /subscribe/${channel} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\nAccept: text/event-stream\r\nContent-Length: 2\r\n\r\n[]`,
);
await new Promise((resolve) => subscriber.once('data', resolve));
subscriber.pause();
const publisher = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
const message = 'm'.repeat(64 * 1024);
let published = 0;
// 1 MB at a time: flat out, Redis would drop the bridge's own subscriber connection (its 32 MB
// pubsub output limit) whenever the bridge is slow to read on a loaded machine.
async function publish() {
  if (!wanted.has('sse')) return;
  while (Date.now() < deadline && published < 2048) {
    for (let i = 0; i < 16; i++, published++) await publisher.publish(channel, message);
    await pause(20);
  }
}

/** After the load: what the subscriber that never read finds once it reads (the bridge's last event, and whether it closed). */
async function subscriberOutcome() {
  if (!wanted.has('sse')) return undefined;
  let tail = '';
  subscriber.on('data', (chunk) => (tail = (tail + chunk.toString('latin1')).slice(-1024)));
  const closed = await new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), 8000);
    subscriber.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
    subscriber.resume();
  });
  return { closed, errorEvent: tail.includes('event: error') && tail.includes('ERR slow subscriber') };
}

console.log('ready');
await Promise.all([
  loop('pings', () => exchange(head('/pipeline', pings.length), pings), 100),
  loop('pings', () => exchange(head('/pipeline', pings.length), pings), 100),
  loop('pings', () => exchange(head('/pipeline', pings.length), pings), 100),
  loop('oversize', () => exchange(head('/pipeline', 11 * MB), oversize), 100),
  loop('valid', () => exchange(head('/pipeline', sets.length), sets), 300),
  loop('valid', () => exchange(head('/pipeline', sets.length), sets), 300),
  publish(),
]);
const sse = await subscriberOutcome();
subscriber.destroy();
publisher.disconnect();
console.log(JSON.stringify({ ...results, publishedMB: (published * 64) / 1024, sse }));
