/**
 * Request bodies → Redis commands, parsed as the bytes arrive (pure: no I/O).
 *
 * Why not JSON.parse: it needs the whole body first (a 10 MB pipeline was one 100 ms stall for
 * every other client, and a million commands before anything could count them), and it turns
 * numbers into doubles (`12345678901234567890` became `12345678901234567000`). This parser takes
 * chunks as they come, stops at the first error or at the command cap, and keeps every number as
 * its source text, as Upstash passes it on. Long strings stay bytes (a view of the chunk they came
 * in when they can): values are what make a body big, and as JavaScript strings they were decoded,
 * re-encoded and copied by the garbage collector, which stalled every other request. It accepts only what a command body can be: an array of
 * strings, numbers and booleans (one command), or an array of such arrays (a pipeline). Raw control
 * characters inside strings are let through (strict JSON refuses them; checking would cost a scan
 * of every value, and Redis takes any bytes).
 */
import { Invalid, type Arg, type RedisCommand } from './request.js';

/** One command (`POST /`) or a list of them (`/pipeline`, `/multi-exec`). */
export type BodyShape = 'command' | 'commands';

/** The body holds more commands than one request may carry. */
export class TooManyCommands {
  constructor(readonly limit: number) {}
}

enum State {
  BeforeBody,
  /** after the outer `[`: a value or `]` */
  BodyStart,
  /** (pipeline) after a `,` at depth 1: a command must follow */
  CommandExpected,
  /** after a command's `[`: its name or `]` */
  CommandStart,
  /** after a `,` inside a command: a value must follow */
  ValueExpected,
  /** after a value inside a command: `,` or `]` */
  AfterValue,
  /** (pipeline) after a command's `]`: `,` or `]` */
  AfterCommand,
  InString,
  InNumber,
  InLiteral,
  AfterBody,
}

const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
// Below this length a JS loop finds a backslash faster than a native search on a subarray, and an
// argument is cheaper as a string than as a Buffer.
const SHORT_STRING = 64;

function isSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

function isNumberByte(byte: number): boolean {
  return (byte >= 0x30 && byte <= 0x39) || byte === 0x2d || byte === 0x2b || byte === 0x2e || byte === 0x45 || byte === 0x65;
}

function isLetter(byte: number): boolean {
  return byte >= 0x61 && byte <= 0x7a;
}

const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/** The text of a JSON string's inside with its escapes resolved, or undefined when one is malformed. */
function unescapeText(raw: string): string | undefined {
  let out = '';
  let from = 0;
  for (let i = raw.indexOf('\\'); i !== -1; i = raw.indexOf('\\', from)) {
    out += raw.slice(from, i);
    const kind = raw[i + 1];
    if (kind === 'u') {
      const hex = raw.slice(i + 2, i + 6);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) return undefined;
      out += String.fromCharCode(Number.parseInt(hex, 16));
      from = i + 6;
    } else {
      const char = kind === undefined ? undefined : ESCAPES[kind];
      if (char === undefined) return undefined;
      out += char;
      from = i + 2;
    }
  }
  return out + raw.slice(from);
}

const BYTE_ESCAPES: Record<number, number> = { 34: 0x22, 92: 0x5c, 47: 0x2f, 98: 0x08, 102: 0x0c, 110: 0x0a, 114: 0x0d, 116: 0x09 };

function hexUnit(raw: Buffer, at: number): number | undefined {
  const hex = raw.toString('latin1', at, at + 4);
  return /^[0-9a-fA-F]{4}$/.test(hex) ? Number.parseInt(hex, 16) : undefined;
}

/** `unescapeText` on bytes, for long strings: the UTF-8 of the resolved text (never longer than `raw`). */
function unescapeBytes(raw: Buffer): Buffer | undefined {
  const out = Buffer.allocUnsafe(raw.length);
  let length = 0;
  let i = 0;
  while (i < raw.length) {
    const backslash = raw.indexOf(BACKSLASH, i);
    const end = backslash === -1 ? raw.length : backslash;
    length += raw.copy(out, length, i, end);
    if (backslash === -1) break;
    const kind = raw[backslash + 1] as number;
    if (kind !== 0x75) {
      const byte = BYTE_ESCAPES[kind];
      if (byte === undefined) return undefined;
      out[length++] = byte;
      i = backslash + 2;
      continue;
    }
    const unit = hexUnit(raw, backslash + 2);
    if (unit === undefined) return undefined;
    i = backslash + 6;
    // A surrogate pair is one character; a lone surrogate becomes U+FFFD, as Buffer.from(string) does.
    let text = String.fromCharCode(unit);
    if (unit >= 0xd800 && unit < 0xdc00 && raw[i] === BACKSLASH && raw[i + 1] === 0x75) {
      const low = hexUnit(raw, i + 2);
      if (low !== undefined && low >= 0xdc00 && low < 0xe000) {
        text += String.fromCharCode(low);
        i += 6;
      }
    }
    length += out.write(text, length, 'utf8');
  }
  return out.subarray(0, length);
}

/** The text of plain ASCII bytes; short ones are built in JS, cheaper than a call into the runtime. */
function asciiText(bytes: Buffer, from: number, to: number): string {
  if (to - from > 24) return bytes.toString('latin1', from, to);
  let text = '';
  for (let i = from; i < to; i++) text += String.fromCharCode(bytes[i] as number);
  return text;
}

/**
 * Feed it the body chunk by chunk with `write`, then call `end`. Each call returns an error as soon
 * as one is certain (the caller can stop reading and answer at once).
 */
export class CommandParser {
  private state = State.BeforeBody;
  private readonly commands: RedisCommand[] = [];
  /** The command being read: its name once read (upper-cased), then its arguments. */
  private name: string | undefined;
  private args: Arg[] = [];
  // Pipelines repeat names: the last one read, as sent and upper-cased.
  private lastName = '';
  private lastUpper = '';
  private failure: Invalid | TooManyCommands | undefined;
  // The string, number or literal being read, possibly across chunks.
  private pieces: Buffer[] = [];
  private escaped = false;
  private escapePending = false;
  private token = '';

  constructor(
    private readonly shape: BodyShape,
    private readonly maxCommands: number,
  ) {}

  write(chunk: Buffer): Invalid | TooManyCommands | undefined {
    if (this.failure) return this.failure;
    let i = 0;
    const length = chunk.length;
    while (i < length && !this.failure) {
      switch (this.state) {
        case State.InString:
          i = this.readString(chunk, i);
          break;
        case State.InNumber:
        case State.InLiteral: {
          const inNumber = this.state === State.InNumber;
          let end = i;
          while (end < length && (inNumber ? isNumberByte(chunk[end] as number) : isLetter(chunk[end] as number))) end++;
          this.token += chunk.toString('latin1', i, end);
          i = end;
          if (end < length) this.finishToken();
          break;
        }
        default: {
          const byte = chunk[i] as number;
          if (!isSpace(byte)) this.structural(byte);
          i++;
        }
      }
    }
    return this.failure;
  }

  /** The commands, or why the body is not a command list. */
  end(): RedisCommand[] | Invalid | TooManyCommands {
    if (!this.failure && (this.state === State.InNumber || this.state === State.InLiteral)) this.finishToken();
    if (this.failure) return this.failure;
    if (this.state === State.BeforeBody) return this.shapeError();
    if (this.state !== State.AfterBody) return this.syntax('the body ends before the JSON does');
    return this.commands;
  }

  private structural(byte: number): void {
    switch (this.state) {
      case State.BeforeBody:
        if (byte !== 0x5b) return void (this.failure = this.shapeError());
        this.state = State.BodyStart;
        return;
      case State.BodyStart:
        if (byte === 0x5d) return void (this.failure = this.shapeError());
        if (this.shape === 'command') return this.commandStart(byte);
        return this.nextCommand(byte);
      case State.CommandExpected:
        return this.nextCommand(byte);
      case State.CommandStart:
        return this.commandStart(byte);
      case State.ValueExpected:
        return this.value(byte);
      case State.AfterValue:
        if (byte === 0x2c) return void (this.state = State.ValueExpected);
        if (byte === 0x5d) return this.commandEnd();
        return this.unexpected(byte);
      case State.AfterCommand:
        if (byte === 0x2c) return void (this.state = State.CommandExpected);
        if (byte === 0x5d) return void (this.state = State.AfterBody);
        return this.unexpected(byte);
      case State.AfterBody:
        return this.unexpected(byte);
      default:
        return undefined;
    }
  }

  /** A pipeline item starts: it must be a command array, and there may not be too many. */
  private nextCommand(byte: number): void {
    if (byte !== 0x5b) return void (this.failure = this.invalid('ERR a command must be a non-empty JSON array like ["SET","key","value"]'));
    if (this.commands.length >= this.maxCommands) return void (this.failure = new TooManyCommands(this.maxCommands));
    this.state = State.CommandStart;
  }

  private commandStart(byte: number): void {
    if (byte === 0x5d) return void (this.failure = this.invalid('ERR a command must be a non-empty JSON array like ["SET","key","value"]'));
    this.value(byte);
  }

  private commandEnd(): void {
    this.commands.push({ name: this.name as string, args: this.args });
    this.name = undefined;
    this.args = [];
    this.state = this.shape === 'command' ? State.AfterBody : State.AfterCommand;
  }

  private value(byte: number): void {
    if (byte === QUOTE) {
      this.state = State.InString;
      return;
    }
    if (this.name === undefined) return void (this.failure = this.invalid('ERR the command name must be a non-empty string'));
    if (byte === 0x2d || (byte >= 0x30 && byte <= 0x39)) {
      this.token = String.fromCharCode(byte);
      this.state = State.InNumber;
      return;
    }
    if (byte === 0x74 || byte === 0x66 || byte === 0x6e) {
      this.token = String.fromCharCode(byte);
      this.state = State.InLiteral;
      return;
    }
    if (byte === 0x5b || byte === 0x7b) return void (this.failure = this.badArgument());
    this.unexpected(byte);
  }

  /** Reads string bytes from `i`; returns where to go on. Escapes are resolved once it closes. */
  private readString(chunk: Buffer, i: number): number {
    let from = i;
    if (this.escapePending) {
      // The byte after a backslash that ended the last chunk: part of the string, whatever it is.
      this.escapePending = false;
      from = i + 1;
    }
    // Most strings are short and plain: one pass in JS finds their end, without a native search.
    if (this.pieces.length === 0 && !this.escaped) {
      const limit = Math.min(chunk.length, from + SHORT_STRING);
      let ascii = true;
      for (let j = from; j < limit; j++) {
        const byte = chunk[j] as number;
        if (byte === QUOTE) {
          if (ascii && j > i) this.pushValue(asciiText(chunk, i, j));
          else this.finishString(chunk, i, j);
          return j + 1;
        }
        if (byte === BACKSLASH) break;
        if (byte >= 0x80) ascii = false;
      }
    }
    for (;;) {
      const quote = chunk.indexOf(QUOTE, from);
      const end = quote === -1 ? chunk.length : quote;
      const backslash = this.findBackslash(chunk, from, end);
      if (backslash !== -1) {
        this.escaped = true;
        if (backslash + 1 >= chunk.length) {
          this.pieces.push(chunk.subarray(i));
          this.escapePending = true;
          return chunk.length;
        }
        from = backslash + 2;
        continue;
      }
      if (quote === -1) {
        this.pieces.push(chunk.subarray(i));
        return chunk.length;
      }
      if (this.pieces.length === 0) {
        this.finishString(chunk, i, quote);
      } else {
        this.pieces.push(chunk.subarray(i, quote));
        const whole = Buffer.concat(this.pieces);
        this.pieces = [];
        this.finishString(whole, 0, whole.length);
      }
      return quote + 1;
    }
  }

  private findBackslash(chunk: Buffer, from: number, end: number): number {
    if (end - from < SHORT_STRING) {
      for (let j = from; j < end; j++) if (chunk[j] === BACKSLASH) return j;
      return -1;
    }
    const found = chunk.subarray(from, end).indexOf(BACKSLASH);
    return found === -1 ? -1 : from + found;
  }

  /** The string between `from` and `to` in `bytes`: text when short or the command name, else bytes. */
  private finishString(bytes: Buffer, from: number, to: number): void {
    const escaped = this.escaped;
    this.escaped = false;
    const isName = this.name === undefined;
    let value: Arg | undefined;
    if (isName || to - from < SHORT_STRING) {
      const raw = bytes.toString('utf8', from, to);
      value = escaped ? unescapeText(raw) : raw;
    } else {
      value = escaped ? unescapeBytes(bytes.subarray(from, to)) : bytes.subarray(from, to);
    }
    if (value === undefined) return void (this.failure = this.syntax('a string has a malformed escape'));
    if (isName && value === '') return void (this.failure = this.invalid('ERR the command name must be a non-empty string'));
    this.pushValue(value);
  }

  private pushValue(value: Arg): void {
    if (this.name !== undefined) this.args.push(value);
    else if (value === this.lastName) this.name = this.lastUpper;
    else this.name = this.lastUpper = (this.lastName = value as string).toUpperCase();
    this.state = State.AfterValue;
  }

  private finishToken(): void {
    const token = this.token;
    this.token = '';
    if (this.state === State.InNumber) {
      if (!NUMBER.test(token)) return void (this.failure = this.syntax(`"${token}" is not a JSON number`));
      this.args.push(token);
    } else if (token === 'true' || token === 'false') {
      this.args.push(token);
    } else if (token === 'null') {
      return void (this.failure = this.badArgument());
    } else {
      return void (this.failure = this.syntax(`unexpected "${token}"`));
    }
    this.state = State.AfterValue;
  }

  private badArgument(): Invalid {
    return this.invalid(`ERR argument ${this.args.length + 1} of ${this.name as string} must be a string, number or boolean`);
  }

  private shapeError(): Invalid {
    return this.shape === 'command'
      ? new Invalid('ERR a command must be a non-empty JSON array like ["SET","key","value"]')
      : new Invalid('ERR a pipeline must be a non-empty JSON array of commands like [["SET","k","v"],["GET","k"]]');
  }

  /** `error`, naming the command in a pipeline. */
  private invalid(error: string): Invalid {
    return new Invalid(this.shape === 'commands' ? `${error} (command ${this.commands.length + 1})` : error);
  }

  private unexpected(byte: number): void {
    this.failure = this.syntax(`unexpected ${JSON.stringify(String.fromCharCode(byte))}`);
  }

  private syntax(detail: string): Invalid {
    return new Invalid(`ERR the request body is not valid JSON: ${detail}`);
  }
}
