// `redis-migrate serve-http` as its own process (a built CLI), for benchmarks: resolves with its
// ready document's fields ({ url, port, ... }), the child and stop(), once it listens.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/redis-migrate.js', import.meta.url));

/** `bin` defaults to this checkout's CLI; a baseline build of an older commit prints its ready line without the envelope. */
export async function startServeHttp(redisUrl, token, { bin = BIN } = {}) {
  const child = spawn(process.execPath, [bin, 'serve-http', '--json', '--port', '0', '--token', token, '--redis-url', redisUrl], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ready = await new Promise((resolve, reject) => {
    let text = '';
    child.stdout.on('data', (chunk) => {
      text += chunk;
      if (!text.includes('\n')) return;
      const document = JSON.parse(text.split('\n')[0]);
      resolve(document.result ?? document);
    });
    child.once('exit', (code) => reject(new Error(`serve-http exited ${code}`)));
  });
  return {
    ...ready,
    child,
    stop: () => {
      child.kill('SIGTERM');
      return new Promise((resolve) => child.once('exit', resolve));
    },
  };
}
