/** Writes flag values into a dotenv file atomically (temp file + rename), keeping its mode. */
import { chmod, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { rewriteDotenv } from './dotenv-text.js';

export async function writeDotenvValues(path: string, values: Record<string, string>): Promise<{ changed: boolean }> {
  let text = '';
  let mode: number | undefined;
  try {
    text = await readFile(path, 'utf8');
    mode = (await stat(path)).mode & 0o7777;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const next = rewriteDotenv(text, values);
  if (next === text) return { changed: false };

  // Same directory, so rename is atomic: a reader sees the old file or the new one, never half.
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  const handle = await open(temp, 'w', mode ?? 0o644);
  try {
    await handle.writeFile(next, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    if (mode !== undefined) await chmod(temp, mode);
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  return { changed: true };
}
