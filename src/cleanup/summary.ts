/** Totals for the report: keys by kind, and memory estimated from the sampled MEMORY USAGE. Pure. */
import type { CleanupTally } from './engine.js';
import type { LegacyKeyKind } from './legacy-keys.js';

export function totalsByKind(tally: CleanupTally): Partial<Record<LegacyKeyKind, number>> {
  const out: Partial<Record<LegacyKeyKind, number>> = {};
  for (const byKind of Object.values(tally.byQueue)) {
    for (const [kind, n] of Object.entries(byKind) as [LegacyKeyKind, number][]) out[kind] = (out[kind] ?? 0) + n;
  }
  return out;
}

/** Σ per kind (mean sampled size × count); kinds with no sample use the mean of all samples. */
export function estimateMemory(tally: CleanupTally): { bytes: number; sampled: number } | null {
  const samples = Object.values(tally.memory);
  const sampled = samples.reduce((n, entry) => n + (entry?.sampled ?? 0), 0);
  if (sampled === 0) return null;
  const overall = samples.reduce((n, entry) => n + (entry?.bytes ?? 0), 0) / sampled;
  let bytes = 0;
  for (const [kind, n] of Object.entries(totalsByKind(tally)) as [LegacyKeyKind, number][]) {
    const entry = tally.memory[kind];
    bytes += n * (entry && entry.sampled > 0 ? entry.bytes / entry.sampled : overall);
  }
  return { bytes: Math.round(bytes), sampled };
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value >= 100 || unit === 0 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}
