/** Small text helpers for human output: aligned tables, times, colour that respects --no-color. */
import chalk from 'chalk';
import { stripVTControlCharacters } from 'node:util';
import { formatDuration } from '../plan/duration.js';

export { chalk };

export function setColor(enabled: boolean): void {
  if (!enabled) chalk.level = 0;
}

function width(text: string): number {
  return stripVTControlCharacters(text).length;
}

/** Rows of cells → aligned columns, two spaces apart. The first row is the header. */
export function table(rows: string[][], indent = '  '): string {
  const widths: number[] = [];
  for (const row of rows) for (const [i, cell] of row.entries()) widths[i] = Math.max(widths[i] ?? 0, width(cell));
  return rows
    .map((row, r) => {
      const line = row.map((cell, i) => (i === row.length - 1 ? cell : cell + ' '.repeat((widths[i] ?? 0) - width(cell)))).join('  ');
      return indent + (r === 0 ? chalk.dim(line) : line);
    })
    .join('\n');
}

export function timestamp(ms: number | null): string {
  if (ms === null) return '-';
  return new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
}

export function ago(ms: number | null, now: number): string {
  return ms === null ? '-' : `${formatDuration(Math.max(0, now - ms))} ago`;
}

export function onOff(value: boolean): string {
  return value ? chalk.green('true') : chalk.yellow('false');
}

export function heading(text: string): string {
  return chalk.bold(text);
}
