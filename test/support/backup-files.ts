/** Backup files as `phase3 cleanup --backup` writes them, built in memory for restore tests. */
import {
  encodeCheckpoint,
  encodeEnd,
  encodeEntry,
  encodeHeader,
  headerSeal,
  sealBatch,
  type BackupEntry,
  type BackupHeader,
} from '../../src/cleanup/backup-format.js';

/** Header, then per batch its entries and a checkpoint, then (unless `end: false`) the end record. */
export function backupText(header: BackupHeader, batches: BackupEntry[][], options: { end?: boolean } = {}): string {
  const head = encodeHeader(header);
  let seal = headerSeal(head);
  let text = head;
  for (const batch of batches) {
    const lines = batch.map(encodeEntry);
    seal = sealBatch(seal, lines);
    text += lines.join('') + encodeCheckpoint(seal);
  }
  return options.end === false ? text : text + encodeEnd(seal);
}
