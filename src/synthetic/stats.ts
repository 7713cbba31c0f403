/** Numbers for synthetic runs (pure): latency percentiles and command counts from INFO commandstats. */

export interface LatencySummary {
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentile of an ascending array (0 when empty). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

export function latencySummary(values: readonly number[]): LatencySummary {
  const sorted = [...values].sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 10) / 10;
  const mean = sorted.length ? sorted.reduce((sum, n) => sum + n, 0) / sorted.length : 0;
  return {
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted.at(-1) ?? 0),
    mean: round(mean),
  };
}

/**
 * Total `calls` over every command in `INFO commandstats` text. Server-side: commands run inside
 * Lua scripts count too (facts file, section 5), which is what a per-command bill sees.
 */
export function totalCommandCalls(infoText: string): number {
  let total = 0;
  for (const match of infoText.matchAll(/^cmdstat_[^:]+:calls=(\d+)/gm)) total += Number(match[1]);
  return total;
}
