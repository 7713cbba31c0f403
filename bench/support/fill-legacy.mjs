// Fills a Redis with N legacy (Bull-shaped) keys for one queue through `redis-cli --pipe`:
// 60 % job hashes, 30 % job log lists, 10 % job lock strings. Prints nothing; resolves when done.
import { spawn } from 'node:child_process';

function resp(args) {
  let out = `*${args.length}\r\n`;
  for (const arg of args) out += `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`;
  return out;
}

export async function fillLegacyKeys({ port, prefix = 'bull', queue, count }) {
  const child = spawn('redis-cli', ['-p', String(port), '--pipe'], { stdio: ['pipe', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  const done = new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`redis-cli --pipe exited ${code}: ${output}`))));
  });
  const base = `${prefix}:${queue}:`;
  const data = JSON.stringify({ userId: 'u-123', calendarId: 'primary', attempt: 1 });
  let chunk = '';
  for (let i = 0; i < count; i++) {
    const slot = i % 10;
    if (slot < 6) chunk += resp(['HSET', `${base}${i + 1}`, 'name', '__default__', 'data', data, 'timestamp', '1795640000000']);
    else if (slot < 9) chunk += resp(['RPUSH', `${base}${i + 1}:logs`, 'sync started']);
    else chunk += resp(['SET', `${base}${i + 1}:lock`, 'token']);
    if (chunk.length > 1 << 20) {
      if (!child.stdin.write(chunk)) await new Promise((resolve) => child.stdin.once('drain', resolve));
      chunk = '';
    }
  }
  child.stdin.end(chunk);
  await done;
}
