/**
 * Redis commands as the bridge reads them (pure), and path-style commands. JSON bodies are read by
 * command-parser.ts: the Upstash clients send a command as a JSON array whose first item is the
 * name, with strings, numbers and booleans as JSON scalars (`["set","k","v","EX",100]`), which
 * become strings, as Upstash does.
 */

/**
 * An argument as Redis gets it: text, or the bytes of a long value as they arrived (see
 * command-parser.ts: a 1 MB value never becomes a JavaScript string).
 */
export type Arg = string | Buffer;

/** A command ready for Redis: the name upper-cased (see executor). */
export interface RedisCommand {
  name: string;
  args: Arg[];
}

/** An argument as text (for the few that are read: script sources, subcommands, options). */
export function argText(arg: Arg | undefined): string | undefined {
  return typeof arg === 'string' || arg === undefined ? arg : arg.toString('utf8');
}

/** A request Redis never sees: the text is a Redis-style error (`ERR ...`), answered with 400. */
export class Invalid {
  constructor(readonly error: string) {}
}

/**
 * Path-style commands, for curl: `GET /set/foo/bar` is `["set","foo","bar"]`; a POST body is
 * appended as the last argument (Upstash's REST API does the same). `segments` excludes the query.
 */
export function commandFromPath(path: string, body: string | undefined): RedisCommand | Invalid {
  const parts = path.split('/').filter((part) => part !== '');
  if (parts.length === 0) return new Invalid('ERR no command: POST a JSON array to / or use /<command>/<arg>...');
  let decoded: string[];
  try {
    decoded = parts.map((part) => decodeURIComponent(part));
  } catch {
    return new Invalid('ERR malformed percent-encoding in the path');
  }
  const [name, ...args] = decoded as [string, ...string[]];
  if (body !== undefined && body !== '') args.push(body);
  return { name: name.toUpperCase(), args };
}
