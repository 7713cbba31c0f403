/** Small number helpers for the HTTP checks (pure). */

/** The p-th percentile (0..100) by nearest rank; NaN for no values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] as number;
}

export function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** 1234567 → "1.23M", 4321 → "4.3K": commands per month read better that way. */
export function compactCount(value: number): string {
  if (value >= 1e9) return `${round(value / 1e9, 2)}B`;
  if (value >= 1e6) return `${round(value / 1e6, 2)}M`;
  if (value >= 1e3) return `${round(value / 1e3, 1)}K`;
  return String(Math.round(value));
}

/** "$2.59" for USD, "2.59 EUR" otherwise. */
export function formatMoney(value: number, currency: string): string {
  return currency === 'USD' ? `$${value.toFixed(2)}` : `${value.toFixed(2)} ${currency}`;
}
