/**
 * Runs the CLI on a real pseudo-terminal (util-linux `script`), answering prompts when they appear,
 * so confirmation and wizard flows are tested the way an operator meets them.
 */
import { spawn } from 'node:child_process';
import { stripVTControlCharacters } from 'node:util';
import { BIN } from './cli.js';

export interface TtyAnswer {
  when: RegExp;
  send: string;
}

function shellQuote(arg: string): string {
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

export async function runInTty(args: string[], answers: TtyAnswer[], options: { env?: Record<string, string>; cwd?: string; timeoutMs?: number } = {}) {
  const command = ['node', BIN, ...args].map(shellQuote).join(' ');
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    cwd: options.cwd,
    env: { ...process.env, NO_COLOR: '1', TERM: 'xterm', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  const pending = [...answers];
  let scanned = 0;
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
    const next = pending[0];
    if (next?.when.test(stripVTControlCharacters(output.slice(scanned)))) {
      scanned = output.length;
      pending.shift();
      // A short pause lets the prompt finish switching the terminal to raw mode.
      setTimeout(() => child.stdin.write(next.send), 100);
    }
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  const exitCode = await new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
  clearTimeout(timer);
  return { exitCode, output: stripVTControlCharacters(output), unanswered: pending.length };
}
