/**
 * A throwaway redis-server on a free loopback port, with the configuration the caller needs.
 * Used by `demo` (and the test suite and benchmarks), never for the user's real Redis.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnvironmentError } from '../errors.js';

export interface LocalRedis {
  port: number;
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export interface LocalRedisOptions {
  /** Extra redis-server arguments, e.g. ['--maxmemory-policy', 'allkeys-lru']. */
  args?: string[];
  password?: string;
  port?: number;
  /** redis-server binary (default: from PATH). */
  binary?: string;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once the port answers PING with anything (PONG, or NOAUTH when a password is set). */
async function waitForPing(port: number, deadline: number, exited: () => boolean): Promise<boolean> {
  while (Date.now() < deadline && !exited()) {
    const answered = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ port, host: '127.0.0.1' });
      socket.setTimeout(200);
      socket.once('data', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('connect', () => socket.write('PING\r\n'));
      socket.once('error', () => resolve(false));
      socket.once('timeout', () => {
        socket.destroy();
        resolve(false);
      });
    });
    if (answered) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return false;
}

export async function startLocalRedis(options: LocalRedisOptions = {}): Promise<LocalRedis> {
  const port = options.port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'redis-migrate-'));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--logfile', ''];
  if (options.password) args.push('--requirepass', options.password);
  args.push(...(options.args ?? []));
  const child = spawn(options.binary ?? 'redis-server', args, { stdio: ['ignore', 'ignore', 'ignore'] });
  let spawnError: NodeJS.ErrnoException | undefined;
  child.on('error', (error) => (spawnError = error));
  const up = await waitForPing(port, Date.now() + 10_000, () => spawnError !== undefined || child.exitCode !== null);
  if (!up) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    if (spawnError?.code === 'ENOENT') {
      throw new EnvironmentError('redis.server-missing', 'redis-server is not installed (not found on PATH)', {
        fix: 'install it (Debian/Ubuntu: sudo apt-get install -y redis-server; macOS: brew install redis), or pass --redis-url',
      });
    }
    throw new EnvironmentError('redis.server-start', `redis-server did not start on port ${port}${spawnError ? `: ${spawnError.message}` : ''}`, {
      fix: 'check that redis-server runs on this machine (redis-server --version)',
    });
  }
  const auth = options.password ? `:${encodeURIComponent(options.password)}@` : '';
  return {
    port,
    url: `redis://${auth}127.0.0.1:${port}`,
    process: child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
