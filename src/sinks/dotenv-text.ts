/**
 * Rewrites KEY=value lines of a dotenv file in place (pure): other lines, comments, blank lines
 * and order are kept; keys that are missing are appended at the end.
 * No dotenv library: they parse but never rewrite a file in place, and the quoting below is the safety.
 */

const LINE = /^(\s*(?:export\s+)?)([A-Za-z_][A-Za-z0-9_.-]*)(\s*=\s*)(.*)$/;

/**
 * Plain words stay bare; anything else goes in single quotes, the one form that both `. ./file`
 * in a shell and dotenv libraries read literally: no `$(...)`, backquote or `$VAR` inside ever runs.
 * A value no single-quoted form can hold (a quote or a line break) is refused, never written.
 */
export function quoteDotenvValue(value: string): string {
  if (/^[A-Za-z0-9_.,:/@+-]*$/.test(value)) return value;
  if (/['\r\n\0]/.test(value)) throw new Error(`cannot write ${JSON.stringify(value)} to a dotenv file safely (it holds a quote or a line break)`);
  return `'${value}'`;
}

export function rewriteDotenv(text: string, values: Record<string, string>): string {
  const pending = new Map(Object.entries(values));
  const newline = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text.length ? text.split(/\r?\n/) : [];
  const endsWithNewline = text.endsWith('\n');
  if (endsWithNewline) lines.pop();
  const out = lines.map((line) => {
    const match = LINE.exec(line);
    if (!match) return line;
    const key = match[2] as string;
    if (!pending.has(key)) return line;
    const value = pending.get(key) as string;
    pending.delete(key);
    // Keep a trailing comment (` # ...`) after an unquoted value.
    const comment = /^[^'"#]*?(\s+#.*)$/.exec(match[4] ?? '')?.[1] ?? '';
    return `${match[1]}${key}${match[3]}${quoteDotenvValue(value)}${comment}`;
  });
  for (const [key, value] of pending) out.push(`${key}=${quoteDotenvValue(value)}`);
  return out.join(newline) + (out.length ? newline : '');
}

/** Values of KEY=value lines (enough to compare a sink with the store; not a full dotenv parser). */
export function readDotenvValues(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const match = LINE.exec(line);
    if (!match) continue;
    let value = (match[4] ?? '').trim();
    if (/^".*"$/.test(value)) value = JSON.parse(value) as string;
    else if (/^'.*'$/.test(value)) value = value.slice(1, -1);
    else value = value.replace(/\s+#.*$/, '');
    out[match[2] as string] = value;
  }
  return out;
}
