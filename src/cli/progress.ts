/**
 * Progress on stderr for long commands: a redrawn bar with rate and ETA on a terminal, a plain
 * line every few seconds otherwise (CI logs), nothing under --json unless asked.
 */
import { formatDuration } from '../plan/duration.js';

export interface ProgressState {
  /** Items done so far (keys deleted). */
  done: number;
  /** Estimated share of the work done, 0..1, or null when unknown. */
  fraction: number | null;
  elapsedMs: number;
  label: string;
  /** What `done` counts (default "keys"). */
  unit?: string;
}

export type ProgressMode = 'bar' | 'lines' | 'none';

function rateOf(state: ProgressState): number {
  return state.elapsedMs > 0 ? (state.done / state.elapsedMs) * 1000 : 0;
}

/** ETA from the share done so far; null until there is enough to go on. */
export function etaMs(state: ProgressState): number | null {
  if (state.fraction === null || state.fraction <= 0.001 || state.fraction >= 1) return state.fraction === 1 ? 0 : null;
  return (state.elapsedMs * (1 - state.fraction)) / state.fraction;
}

function thousands(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** One line: `label [#####-----]  42%  120,000 keys  85,000/s  ETA 3s`. Pure. */
export function formatProgress(state: ProgressState, mode: Exclude<ProgressMode, 'none'>, width = 24): string {
  const parts = [state.label];
  if (mode === 'bar' && state.fraction !== null) {
    const filled = Math.round(Math.min(1, state.fraction) * width);
    parts.push(`[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`);
  }
  if (state.fraction !== null) parts.push(`${String(Math.floor(Math.min(1, state.fraction) * 100)).padStart(3)}%`);
  parts.push(`${thousands(state.done)} ${state.unit ?? 'keys'}`, `${thousands(rateOf(state))}/s`);
  const eta = etaMs(state);
  parts.push(eta === null ? 'ETA ?' : `ETA ${formatDuration(eta)}`);
  return parts.join('  ');
}

export interface ProgressReporter {
  update(done: number, fraction: number | null): void;
  finish(): void;
}

export function progressMode(stderr: NodeJS.WritableStream, json: boolean): ProgressMode {
  if (json) return 'none';
  return (stderr as NodeJS.WriteStream).isTTY ? 'bar' : 'lines';
}

export function createProgress(
  stderr: NodeJS.WritableStream,
  mode: ProgressMode,
  label: string,
  options: { lineEveryMs?: number; unit?: string } = {},
): ProgressReporter {
  const started = performance.now();
  const every = mode === 'bar' ? 100 : (options.lineEveryMs ?? 2000);
  // Nothing at all for work that ends quickly: the first draw waits one interval (bar: 300 ms).
  let last = performance.now() + (mode === 'bar' ? 200 : 0);
  let drawn = false;
  const unit = options.unit;
  let latest: ProgressState = { done: 0, fraction: 0, elapsedMs: 0, label, ...(unit ? { unit } : {}) };
  const draw = () => {
    if (mode === 'bar') stderr.write(`\r\u001b[K${formatProgress(latest, 'bar')}`);
    else if (mode === 'lines') stderr.write(`${formatProgress(latest, 'lines')}\n`);
    drawn = true;
  };
  return {
    update(done, fraction) {
      if (mode === 'none') return;
      const now = performance.now();
      latest = { done, fraction, elapsedMs: now - started, label, ...(unit ? { unit } : {}) };
      if (now - last < every) return;
      last = now;
      draw();
    },
    finish() {
      if (mode === 'none') return;
      latest = { ...latest, elapsedMs: performance.now() - started };
      if (!drawn) return;
      draw();
      if (mode === 'bar') stderr.write('\n');
    },
  };
}
