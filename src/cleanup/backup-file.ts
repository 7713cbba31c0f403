/**
 * Streaming the backup file: written batch by batch before each batch is deleted (and synced, so
 * a deleted key's payload is on disk first), read line by line on restore. Memory stays flat.
 */
import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { UsageError } from '../errors.js';
import { encodeHeader, parseBackupLine, type BackupEntry, type BackupHeader } from './backup-format.js';

export interface BackupWriter {
  path: string;
  /** Append encoded entry lines and make them durable; resolves before the caller may delete the keys. */
  append(lines: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

async function writeAll(handle: FileHandle, text: string): Promise<void> {
  const buffer = Buffer.from(text, 'utf8');
  let offset = 0;
  while (offset < buffer.length) {
    const { bytesWritten } = await handle.write(buffer, offset, buffer.length - offset);
    offset += bytesWritten;
  }
}

function writer(path: string, handle: FileHandle): BackupWriter {
  return {
    path,
    async append(lines) {
      if (lines.length === 0) return;
      await writeAll(handle, lines.join(''));
      await handle.datasync();
    },
    async close() {
      await handle.close();
    },
  };
}

/** A new backup file; an existing file is never overwritten (it may be the only copy of something). */
export async function createBackup(path: string, header: BackupHeader): Promise<BackupWriter> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new UsageError('backup.exists', `backup file ${path} already exists`, {
        fix: 'choose a new path for this cleanup, or move the old backup away first',
      });
    }
    throw new UsageError('backup.open', `cannot create backup file ${path}: ${(error as Error).message}`, { fix: 'check the directory exists and is writable' });
  }
  await writeAll(handle, encodeHeader(header));
  await handle.datasync();
  return writer(path, handle);
}

/**
 * Reopen the backup of an interrupted cleanup to append to it. A partly written last line (the
 * process died while writing it, so its keys were not deleted) is cut off; whole lines stay, and a
 * key dumped twice restores once (restore treats identical duplicates as already present).
 */
export async function reopenBackup(path: string): Promise<BackupWriter> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r+');
  } catch (error) {
    throw new UsageError('backup.missing', `cannot reopen the interrupted cleanup's backup ${path}: ${(error as Error).message}`, {
      fix: 'restore that file to its path, or start over with `phase3 cleanup --restart --backup NEW_FILE`',
    });
  }
  const { size } = await handle.stat();
  const tailLength = Math.min(size, 1 << 20);
  const tail = Buffer.alloc(tailLength);
  await handle.read(tail, 0, tailLength, size - tailLength);
  const lastNewline = tail.lastIndexOf(0x0a);
  const keep = lastNewline === -1 ? size - tailLength : size - tailLength + lastNewline + 1;
  if (keep < size) await handle.truncate(keep);
  await handle.close();
  return writer(path, await open(path, 'a'));
}

export interface BackupReadResult {
  header: BackupHeader;
  entries: AsyncGenerator<{ entry: BackupEntry } | { invalid: string; line: number }>;
}

/** Read the header, then stream the entries (invalid lines are yielded, not thrown). */
export async function readBackup(path: string): Promise<BackupReadResult> {
  const stream = createReadStream(path, { encoding: 'utf8' });
  const failed = new Promise<never>((_, reject) => stream.once('error', reject));
  failed.catch(() => undefined);
  const lines = createInterface({ input: stream, crlfDelay: Infinity })[Symbol.asyncIterator]();
  let first: IteratorResult<string>;
  try {
    first = await Promise.race([lines.next(), failed]);
  } catch (error) {
    throw new UsageError('backup.read', `cannot read backup file ${path}: ${(error as Error).message}`, { fix: 'check the path' });
  }
  const parsed = first.done ? null : parseBackupLine(first.value, true);
  if (!parsed || parsed.kind !== 'header') {
    stream.destroy();
    throw new UsageError('backup.format', `${path} is not a redis-migrate backup${parsed?.kind === 'invalid' ? ` (${parsed.reason})` : ''}`, {
      fix: 'pass a file written by `phase3 cleanup --backup FILE`',
    });
  }
  async function* entries() {
    let number = 1;
    for (;;) {
      const next = await lines.next();
      if (next.done) return;
      number++;
      if (next.value.trim() === '') continue;
      const line = parseBackupLine(next.value, false);
      if (line.kind === 'entry') yield { entry: line.entry };
      else yield { invalid: line.kind === 'invalid' ? line.reason : 'unexpected header', line: number };
    }
  }
  return { header: parsed.header, entries: entries() };
}
