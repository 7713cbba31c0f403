/**
 * Durations as people write them in plan files and flags: "24h", "90s", "1h30m", "500ms", "2d".
 * Not `ms`: it reads no "1h30m" and takes a bare "30" as 30 ms, where a soak window needs a refusal.
 */

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
type Unit = keyof typeof UNIT_MS;

const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g;
const WHOLE = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d|w))+$/;
/** A duration as a plan file may write it, spaces around allowed: the plan schema's (and its JSON Schema's) pattern. */
export const DURATION_PATTERN = /^\s*(?:\d+(?:\.\d+)?(?:ms|s|m|h|d|w))+\s*$/;

/** Milliseconds for a duration string, or undefined when it is not one. */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (!WHOLE.test(trimmed)) return undefined;
  let total = 0;
  for (const match of trimmed.matchAll(PART)) {
    total += Number(match[1]) * UNIT_MS[match[2] as Unit];
  }
  return Math.round(total);
}

export function isDuration(text: string): boolean {
  return parseDuration(text) !== undefined;
}

/** "26h", "1h30m", "45s", "850ms": the two largest units, rounded down. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(Math.floor(ms));
  if (rest < 1000) return `${sign}${rest}ms`;
  const parts: string[] = [];
  // Hours read better than "1d" for soak windows ("26h"); days only from 48h on.
  const units = rest >= 2 * UNIT_MS.d ? (['d', 'h', 'm', 's'] as const) : (['h', 'm', 's'] as const);
  for (const unit of units) {
    const size = UNIT_MS[unit];
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
    if (parts.length === 2) break;
  }
  return sign + parts.join('');
}
