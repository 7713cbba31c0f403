/**
 * The Redis Cluster hash slot of a key (CRC16/XMODEM of the key or its `{hash tag}`, mod 16384).
 * Pure. Multi-key commands on a cluster node must stay within one slot, so batches are grouped by it.
 * Not `cluster-key-slot` (archived; ioredis 6 pins 1.1.1): it hashes `foo{}{bar}` by `{bar`, Redis by the whole key.
 */

const TABLE = (() => {
  const table = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    table[i] = crc;
  }
  return table;
})();

function crc16(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) crc = ((crc << 8) & 0xffff) ^ (TABLE[((crc >> 8) ^ byte) & 0xff] as number);
  return crc;
}

/** The part of the key that is hashed: the first non-empty `{...}`, else the whole key. */
export function hashTagOf(key: string): string {
  const open = key.indexOf('{');
  if (open === -1) return key;
  const close = key.indexOf('}', open + 1);
  if (close === -1 || close === open + 1) return key;
  return key.slice(open + 1, close);
}

export function keySlot(key: string): number {
  return crc16(Buffer.from(hashTagOf(key), 'utf8')) % 16384;
}

/** Keys grouped by slot, in first-seen order: each group can go in one multi-key command. */
export function groupBySlot(keys: readonly string[]): string[][] {
  const groups = new Map<number, string[]>();
  for (const key of keys) {
    const slot = keySlot(key);
    let group = groups.get(slot);
    if (!group) {
      group = [];
      groups.set(slot, group);
    }
    group.push(key);
  }
  return [...groups.values()];
}
