/**
 * Runs one step's process: output streamed live to the operator (stderr, redacted) and its tail
 * kept for the record. The child gets its own process group and no stdin: the runner did the asking, and
 * it alone decides when Ctrl-C is passed on (exactly once, so the child can stop cleanly).
 */
import { execa } from 'execa';
import { constants } from 'node:os';
import { redact } from '../redact.js';

export interface StepProcessResult {
  exitCode: number;
  /** The last EXCERPT_BYTES of stdout and stderr together. */
  excerpt: string;
  durationMs: number;
  timedOut: boolean;
  /** The process was asked to stop (Ctrl-C on the runner). */
  interrupted: boolean;
}

const EXCERPT_BYTES = 4096;

export interface StepProcess {
  result: Promise<StepProcessResult>;
  /** Pass an interrupt on to the child (once). */
  interrupt(): void;
}

export function startStepProcess(
  file: string,
  args: readonly string[],
  options: { env: Record<string, string>; cwd: string; timeoutMs?: number | undefined; echo: NodeJS.WritableStream },
): StepProcess {
  const started = performance.now();
  let tail = '';
  let interrupted = false;
  const child = execa(file, [...args], {
    reject: false,
    cwd: options.cwd,
    env: options.env,
    extendEnv: true,
    stdin: 'ignore',
    buffer: false,
    detached: true,
    ...(options.timeoutMs ? { timeout: options.timeoutMs } : {}),
    forceKillAfterDelay: 10_000,
  });
  // Echoed line by line through `redact`, so a secret split across two chunks is still caught.
  let pending = '';
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    clearTimeout(timer);
    if (pending) options.echo.write(redact(pending));
    pending = '';
  };
  const keep = (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    tail = (tail + text).slice(-EXCERPT_BYTES);
    pending += text;
    const end = Math.max(pending.lastIndexOf('\n'), pending.lastIndexOf('\r'));
    if (end !== -1) {
      options.echo.write(redact(pending.slice(0, end + 1)));
      pending = pending.slice(end + 1);
    }
    clearTimeout(timer);
    // A prompt or a progress line without a newline still shows, a moment later.
    if (pending.length > EXCERPT_BYTES) flush();
    else if (pending) timer = setTimeout(flush, 150);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const result = child.then((outcome) => {
    flush();
    return {
      exitCode: outcome.exitCode ?? (outcome.signal ? 128 + constants.signals[outcome.signal] : 1),
      excerpt: tail,
      durationMs: Math.round(performance.now() - started),
      timedOut: Boolean(outcome.timedOut),
      interrupted,
    };
  });
  return {
    result,
    interrupt() {
      if (interrupted) return;
      interrupted = true;
      // The whole group, as a terminal's Ctrl-C would: a shell step's own children stop too.
      try {
        if (child.pid) process.kill(-child.pid, 'SIGINT');
        else child.kill('SIGINT');
      } catch {
        child.kill('SIGINT');
      }
    },
  };
}
