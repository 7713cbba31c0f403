// `redis-migrate serve-http` as its own process (the built CLI), for benchmarks: resolves with its
// ready line ({ url, port, ... }) and the child, once it listens.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/redis-migrate.js', import.meta.url));

export async function startServeHttp(redisUrl, token) {
  const child = spawn(process.execPath, [BIN, 'serve-http', '--json', '--port', '0', '--token', token, '--redis-url', redisUrl], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ready = await new Promise((resolve, reject) => {
    let text = '';
    child.stdout.on('data', (chunk) => {
      text += chunk;
      if (text.includes('\n')) resolve(JSON.parse(text.split('\n')[0]).result);
    });
    child.once('exit', (code) => reject(new Error(`serve-http exited ${code}`)));
  });
  return { ...ready, child };
}
