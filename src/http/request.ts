/**
 * Request bodies and paths → Redis commands (pure). The Upstash clients send a command as a JSON
 * array whose first item is the name; strings, numbers and booleans arrive as JSON scalars
 * (`["set","k","v","EX",100]`), so scalars become strings here, as Upstash does.
 */

/** A command ready for Redis: the name upper-cased (see executor), the arguments as strings. */
export interface RedisCommand {
  name: string;
  args: string[];
}

/** A request Redis never sees: the text is a Redis-style error (`ERR ...`), answered with 400. */
export class Invalid {
  constructor(readonly error: string) {}
}

function argument(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
      return Number.isFinite(value) ? String(value) : undefined;
    case 'boolean':
      return value ? 'true' : 'false';
    default:
      return undefined;
  }
}

/** One command: `["SET", "k", "v"]`. */
export function toCommand(value: unknown): RedisCommand | Invalid {
  if (!Array.isArray(value) || value.length === 0) {
    return new Invalid('ERR a command must be a non-empty JSON array like ["SET","key","value"]');
  }
  const head = value[0];
  if (typeof head !== 'string' || head === '') return new Invalid('ERR the command name must be a non-empty string');
  const args = new Array<string>(value.length - 1);
  for (let i = 1; i < value.length; i++) {
    const arg = argument(value[i]);
    if (arg === undefined) {
      return new Invalid(`ERR argument ${i} of ${head.toUpperCase()} must be a string, number or boolean`);
    }
    args[i - 1] = arg;
  }
  return { name: head.toUpperCase(), args };
}

/** A pipeline or transaction body: `[["SET","k","v"],["GET","k"]]`. Any bad item rejects the request. */
export function toCommands(value: unknown): RedisCommand[] | Invalid {
  if (!Array.isArray(value) || value.length === 0) {
    return new Invalid('ERR a pipeline must be a non-empty JSON array of commands like [["SET","k","v"],["GET","k"]]');
  }
  const commands = new Array<RedisCommand>(value.length);
  for (let i = 0; i < value.length; i++) {
    const command = toCommand(value[i]);
    if (command instanceof Invalid) return new Invalid(`${command.error} (command ${i + 1})`);
    commands[i] = command;
  }
  return commands;
}

/** JSON text → value; a syntax error is the caller's mistake, not ours. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    return new Invalid(`ERR the request body is not valid JSON: ${(error as Error).message}`);
  }
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
