/**
 * How far a SCAN has got, from its cursor alone. Pure. Redis walks the key table in reverse-binary
 * bucket order, so the cursor read with its bits reversed is the share of buckets already visited.
 * The table has 2^n buckets: at least the key count rounded up to a power of two, and at least as
 * wide as any cursor seen. An estimate (rehashing and shrinking move it), but enough for an ETA
 * without a second pass over the keyspace.
 */

export function bitLength(value: bigint): number {
  return value === 0n ? 0 : value.toString(2).length;
}

function reverseBits(value: bigint, bits: number): bigint {
  let out = 0n;
  let rest = value;
  for (let i = 0; i < bits; i++) {
    out = (out << 1n) | (rest & 1n);
    rest >>= 1n;
  }
  return out;
}

export interface ScanProgress {
  /** Widest cursor seen so far, in bits. */
  widest: number;
  /** Monotone fraction in [0, 1]. */
  fraction: number;
}

export function startScanProgress(): ScanProgress {
  return { widest: 0, fraction: 0 };
}

/** The next estimate after SCAN returned `cursor` ('0' = done) on a node holding `dbsize` keys. */
export function advanceScanProgress(previous: ScanProgress, cursor: string, dbsize: number): ScanProgress {
  if (cursor === '0') return { widest: previous.widest, fraction: 1 };
  const value = BigInt(cursor);
  const widest = Math.max(previous.widest, bitLength(value));
  const bits = Math.max(widest, Math.ceil(Math.log2(Math.max(dbsize, 4))));
  const fraction = Number(reverseBits(value, bits)) / 2 ** bits;
  return { widest, fraction: Math.min(0.999, Math.max(previous.fraction, fraction)) };
}
