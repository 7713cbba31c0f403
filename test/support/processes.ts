/**
 * The processes below a pid, read from Linux /proc: lets a test wait until a child has really
 * reached a point (a runbook step's shell inside its `sleep`) instead of guessing how long it takes.
 */
import { readdirSync, readFileSync } from 'node:fs';

interface ProcessEntry {
  pid: number;
  ppid: number;
  /** The executable's name as the kernel keeps it (`comm`, up to 15 characters). */
  command: string;
}

function readEntry(pid: number): ProcessEntry | null {
  try {
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split at the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    const ppid = Number(stat.slice(close + 2).split(' ')[1]);
    return { pid, ppid, command: stat.slice(stat.indexOf('(') + 1, close) };
  } catch {
    return null; // exited while we looked
  }
}

/** Every live descendant of `root` (children, grandchildren...), by pid. */
export function descendants(root: number): ProcessEntry[] {
  const all = readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map((name) => readEntry(Number(name)))
    .filter((entry): entry is ProcessEntry => entry !== null);
  const found: ProcessEntry[] = [];
  const parents = new Set([root]);
  let added = true;
  while (added) {
    added = false;
    for (const entry of all) {
      if (parents.has(entry.ppid) && !parents.has(entry.pid)) {
        parents.add(entry.pid);
        found.push(entry);
        added = true;
      }
    }
  }
  return found;
}
