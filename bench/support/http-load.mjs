// Load generation against the HTTP bridge: a closed loop, a minimal raw HTTP/1.1 keep-alive client
// (so the generator takes as little CPU as possible from the bridge on a 2-core machine), the bridge
// started as the real CLI in its own process, and its CPU time from /proc.
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { percentile } from '../support.mjs';

export const TOKEN = 'bench-token-0123456789';

/**
 * Closed loop: `concurrency` workers each await `once(i)` back to back; latencies after the
 * warm-up, for `seconds`.
 */
export async function load(concurrency, once, { seconds, warmupMs = 1000 }) {
  const latencies = [];
  let measuring = false;
  let stop = false;
  const worker = async (i) => {
    while (!stop) {
      const start = performance.now();
      await once(i);
      if (measuring) latencies.push(performance.now() - start);
    }
  };
  const workers = Array.from({ length: concurrency }, (_, i) => worker(i));
  await new Promise((r) => setTimeout(r, warmupMs));
  measuring = true;
  const begin = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  measuring = false;
  const elapsed = (performance.now() - begin) / 1000;
  const count = latencies.length;
  stop = true;
  await Promise.all(workers);
  latencies.sort((a, b) => a - b);
  return { rps: count / elapsed, count, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

/**
 * One keep-alive HTTP/1.1 connection; `send(buffer)` resolves when the whole answer is in. A
 * connection the bridge closed (idle past its keep-alive timeout) is opened again on the next send.
 */
export function rawHttp(port) {
  let socket;
  let ready;
  let buffered = Buffer.alloc(0);
  let pending;
  const open = () => {
    socket = connect({ port, host: '127.0.0.1', noDelay: true });
    buffered = Buffer.alloc(0);
    ready = new Promise((resolve) => socket.once('connect', resolve));
    socket.on('data', (chunk) => {
      buffered = buffered.length ? Buffer.concat([buffered, chunk]) : chunk;
      const headerEnd = buffered.indexOf('\r\n\r\n');
      if (headerEnd === -1) return;
      const head = buffered.subarray(0, headerEnd).toString('latin1');
      const length = Number(/content-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
      if (buffered.length < headerEnd + 4 + length) return;
      const status = head.slice(9, 12);
      const body = buffered.subarray(headerEnd + 4, headerEnd + 4 + length);
      buffered = buffered.subarray(headerEnd + 4 + length);
      const done = pending;
      pending = undefined;
      if (status !== '200' || body.includes('"error"')) done.reject(new Error(`HTTP ${status}: ${body.toString().slice(0, 200)}`));
      else done.resolve();
    });
    socket.on('error', (error) => pending?.reject(error));
    socket.on('close', () => pending?.reject(new Error('the connection closed before the answer')));
  };
  open();
  return {
    get ready() {
      return ready;
    },
    async send(request) {
      if (socket.destroyed) {
        open();
        await ready;
      }
      return new Promise((resolve, reject) => {
        pending = { resolve, reject };
        socket.write(request);
      });
    },
    close: () => socket.destroy(),
  };
}

/** `count` connected raw clients. */
export async function rawClients(port, count) {
  return Promise.all(
    Array.from({ length: count }, async () => {
      const client = rawHttp(port);
      await client.ready;
      return client;
    }),
  );
}

/** The bytes of a POST as @upstash/redis sends it (base64 answers, a sync token). */
export function httpRequest(port, path, body) {
  const json = typeof body === 'string' ? body : JSON.stringify(body);
  return Buffer.from(
    `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\n` +
      `Upstash-Encoding: base64\r\nUpstash-Sync-Token: 1\r\nContent-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`,
  );
}

/** CPU seconds a process has used (Linux /proc), to show how busy the bridge was. */
export function cpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}
