/**
 * Streaming the backup file: written batch by batch before each batch is deleted (entries and
 * their checkpoint in one write, synced, so a deleted key's payload is on disk first), an end
 * record when the cleanup finishes, and read line by line to verify and restore. Memory stays flat
 * (restore holds one batch until its checkpoint verifies).
 */
import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { UsageError } from '../errors.js';
import { encodeCheckpoint, encodeEnd, encodeHeader, headerSeal, sealBatch, type BackupEntry, type BackupHeader, type BackupSeal } from './backup-format.js';
import { BackupRefusal, BackupVerifier, type BackupScan } from './backup-verify.js';

export interface BackupWriter {
  path: string;
  /** Append encoded entry lines and their checkpoint, durably; resolves before the caller may delete the keys. */
  append(lines: readonly string[]): Promise<void>;
  /** Write the end record: the file holds every key the cleanup deleted. */
  finish(): Promise<void>;
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

function writer(path: string, handle: FileHandle, start: BackupSeal): BackupWriter {
  let seal = start;
  return {
    path,
    async append(lines) {
      if (lines.length === 0) return;
      const next = sealBatch(seal, lines);
      await writeAll(handle, lines.join('') + encodeCheckpoint(next));
      await handle.datasync();
      seal = next;
    },
    async finish() {
      await writeAll(handle, encodeEnd(seal));
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
    throw new UsageError('backup.open', `cannot create backup file ${path}: ${(error as Error).message}`, {
      fix: 'check the directory exists and is writable',
    });
  }
  const line = encodeHeader(header);
  await writeAll(handle, line);
  await handle.datasync();
  return writer(path, handle, headerSeal(line));
}

/**
 * Read a backup line by line into `verifier` (up to `limit` bytes); `onEntries` gets each batch
 * once verified. Throws BackupRefusal for a file that is not what cleanup wrote.
 */
export async function scanBackup(
  path: string,
  verifier: BackupVerifier,
  options: { limit?: number; onEntries?: (entries: BackupEntry[]) => Promise<void> } = {},
): Promise<BackupScan> {
  const stream = createReadStream(path, options.limit === undefined ? {} : { end: options.limit - 1 });
  let carry: Buffer[] = [];
  let offset = 0;
  let number = 0;
  const feed = async (line: Buffer, terminated: boolean) => {
    offset += line.length + (terminated ? 1 : 0);
    const entries = verifier.push(line.toString('utf8'), ++number, offset, terminated);
    if (entries.length && options.onEntries) await options.onEntries(entries);
  };
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let from = 0;
      for (let at = chunk.indexOf(0x0a); at !== -1; at = chunk.indexOf(0x0a, from)) {
        carry.push(chunk.subarray(from, at));
        const line = carry.length === 1 ? (carry[0] as Buffer) : Buffer.concat(carry);
        carry = [];
        from = at + 1;
        await feed(line, true);
      }
      if (from < chunk.length) carry.push(chunk.subarray(from));
    }
  } catch (error) {
    if (error instanceof BackupRefusal || error instanceof UsageError) throw error;
    if ((error as NodeJS.ErrnoException).code) {
      throw new UsageError('backup.read', `cannot read backup file ${path}: ${(error as Error).message}`, { fix: 'check the path' });
    }
    throw error;
  } finally {
    stream.destroy();
  }
  if (carry.length) await feed(Buffer.concat(carry), false);
  return verifier.result();
}

/**
 * Reopen the backup of an interrupted cleanup to append to it: verified up to its last checkpoint,
 * and cut there (a batch written without its checkpoint had none of its keys deleted; they are
 * dumped again). A key dumped twice restores once (restore treats identical keys as present).
 */
export async function reopenBackup(path: string): Promise<BackupWriter> {
  let scan: BackupScan;
  try {
    scan = await scanBackup(path, new BackupVerifier({ scope: null, collect: false }));
  } catch (error) {
    const reason = error instanceof BackupRefusal ? error.message : (error as Error).message;
    throw new UsageError('backup.missing', `cannot resume the interrupted cleanup's backup ${path}: ${reason}`, {
      fix: 'put that file back as it was, or start over with `phase3 cleanup --restart --backup NEW_FILE` (keep the old file: it holds keys already deleted)',
    });
  }
  if (scan.unverified) {
    throw new UsageError('backup.version', `${path} was written by an earlier redis-migrate (backup format 1); this version does not append to it`, {
      fix: 'start over with `phase3 cleanup --restart --backup NEW_FILE` (keep the old file: it holds keys already deleted)',
    });
  }
  const handle = await open(path, 'r+');
  try {
    await handle.truncate(scan.resumeBytes);
  } finally {
    await handle.close();
  }
  return writer(path, await open(path, 'a'), scan.seal);
}
