/**
 * Lua scripts as the bridge runs them (pure: no I/O). Every script a client sends is rewritten:
 *
 * - `@upstash/ratelimit` 2.1+ starts every script with `#!lua flags=allow-key-locking`, an
 *   Upstash-only flag that Redis rejects ("Unexpected flag in script shebang"): the flag goes;
 * - the admin-command guard (script-guard.ts) goes in front of the first line.
 *
 * The table remembers sha1(original) → rewrite, runs EVALSHA of an original as EVAL of its rewrite,
 * and answers SCRIPT LOAD with the original's sha, because clients compare against the sha of what
 * they sent. A sha it does not know gets NOSCRIPT, even when Redis has that script (loaded over TCP,
 * unguarded): the client then falls back to EVAL with the text, which gets the guard.
 */
import { createHash } from 'node:crypto';
import { argText, type RedisCommand } from './request.js';
import { withGuard } from './script-guard.js';

/** Shebang flags only Upstash understands. */
export const UPSTASH_ONLY_FLAGS: ReadonlySet<string> = new Set(['allow-key-locking']);

const SCRIPT_COMMANDS = new Set(['EVAL', 'EVAL_RO', 'EVALSHA', 'EVALSHA_RO', 'SCRIPT']);

/** Commands this module may change; the executor calls `prepare` only for them (hot path). */
export function isScriptCommand(name: string): boolean {
  return SCRIPT_COMMANDS.has(name);
}

/**
 * The script without Upstash-only shebang flags; the same string when there is nothing to strip.
 * A shebang left without flags is blanked (its newline kept, so Lua error line numbers still match):
 * a script without a shebang also runs on Redis 6, which knows no shebangs at all.
 */
export function stripUpstashFlags(script: string): string {
  if (!script.startsWith('#!')) return script;
  const newline = script.indexOf('\n');
  // The line ends before "\r\n" too, so a CRLF script keeps its CR.
  const eol = newline === -1 ? -1 : newline > 0 && script[newline - 1] === '\r' ? newline - 1 : newline;
  const line = eol === -1 ? script : script.slice(0, eol);
  const parts = line.trim().split(/\s+/);
  const kept: string[] = [parts[0] ?? '#!lua'];
  let changed = false;
  for (const part of parts.slice(1)) {
    if (!part.startsWith('flags=')) {
      kept.push(part);
      continue;
    }
    const flags = part
      .slice('flags='.length)
      .split(',')
      .filter((flag) => flag !== '');
    const remaining = flags.filter((flag) => !UPSTASH_ONLY_FLAGS.has(flag));
    if (remaining.length !== flags.length) changed = true;
    if (remaining.length) kept.push(`flags=${remaining.join(',')}`);
  }
  if (!changed) return script;
  const rest = eol === -1 ? '' : script.slice(eol);
  return kept.length === 1 ? rest : `${kept.join(' ')}${rest}`;
}

export function sha1(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

/** What to send to Redis instead, and how to turn Redis's reply into the one the client expects. */
export interface PreparedScript {
  command: RedisCommand;
  reply?: (result: unknown) => unknown;
}

// Scripts are few (a rate limiter has about six); the caps only guard against a client that sends
// endless generated scripts. Past either, the table starts over (clients fall back to EVAL).
const MAX_SCRIPTS = 1000;
const MAX_SCRIPT_CHARS = 16 * 1024 * 1024;

/** What Redis answers for an unknown sha; a script that returns it keeps its place in a transaction. */
export const NOSCRIPT = 'NOSCRIPT No matching script. Please use EVAL.';
const NOSCRIPT_SCRIPT = `return redis.error_reply('${NOSCRIPT}')`;

/** The sha map of one bridge. */
export class ScriptTable {
  private readonly rewrittenBySha = new Map<string, string>();
  private readonly rewrittenByText = new Map<string, string>();
  /** sha1(rewrite) → sha1(original): Redis names the rewrite in its errors, the client knows the original. */
  private readonly originalByRewrittenSha = new Map<string, string>();
  private chars = 0;

  /**
   * @param guard the prologue every script gets (script-guard.ts). Without one (the app's own
   * connection in redis-migrate/redis, where nothing needs guarding) a script that needs no rewrite
   * runs as sent and a sha the table does not know goes to Redis as is, so Redis's own script
   * cache serves it.
   */
  constructor(private readonly guard = '') {}

  /** Number of scripts remembered. */
  get size(): number {
    return this.rewrittenBySha.size;
  }

  /** The rewrite of `script`, remembered under the original's sha. */
  private rewrite(script: string): string {
    const known = this.rewrittenByText.get(script);
    if (known !== undefined) return known;
    const rewritten = withGuard(stripUpstashFlags(script), this.guard);
    if (rewritten === script) return script;
    if (this.rewrittenByText.size >= MAX_SCRIPTS || this.chars + script.length + rewritten.length > MAX_SCRIPT_CHARS) this.forget();
    this.rewrittenByText.set(script, rewritten);
    this.rewrittenBySha.set(sha1(script), rewritten);
    this.originalByRewrittenSha.set(sha1(rewritten), sha1(script));
    this.chars += script.length + rewritten.length;
    return rewritten;
  }

  /** An error of a rewritten script as the client's own script would give it (`script: <sha>` of what it sent). */
  originalShas(message: string): string {
    return message.replace(/script: ([0-9a-f]{40})/g, (text, sha: string) => {
      const original = this.originalByRewrittenSha.get(sha);
      return original ? `script: ${original}` : text;
    });
  }

  private forget(): void {
    this.rewrittenByText.clear();
    this.rewrittenBySha.clear();
    this.originalByRewrittenSha.clear();
    this.chars = 0;
  }

  prepare(command: RedisCommand): PreparedScript {
    const { name, args } = command;
    const first = argText(args[0]);
    if (first === undefined) return { command };
    switch (name) {
      case 'EVAL':
      case 'EVAL_RO':
        return { command: { name, args: [this.rewrite(first), ...args.slice(1)] } };
      case 'EVALSHA':
      case 'EVALSHA_RO': {
        const evalName = name === 'EVALSHA' ? 'EVAL' : 'EVAL_RO';
        const rewritten = this.rewrittenBySha.get(first.toLowerCase());
        if (rewritten === undefined) return this.guard ? { command: { name: evalName, args: [NOSCRIPT_SCRIPT, '0'] } } : { command };
        return { command: { name: evalName, args: [rewritten, ...args.slice(1)] } };
      }
      case 'SCRIPT':
        return this.prepareScript(command, first.toUpperCase());
      default:
        return { command };
    }
  }

  private prepareScript(command: RedisCommand, sub: string): PreparedScript {
    const { args } = command;
    const second = argText(args[1]);
    if (sub === 'LOAD' && second !== undefined) {
      const original = second;
      const sha = sha1(original);
      return { command: { name: 'SCRIPT', args: [args[0] as string | Buffer, this.rewrite(original)] }, reply: () => Buffer.from(sha) };
    }
    if (sub === 'EXISTS') {
      const shas = args.slice(1).map((sha) => argText(sha)?.toLowerCase());
      return {
        command,
        // What EVALSHA would find is what the table knows, whatever else Redis has cached.
        reply: (result) => (Array.isArray(result) ? result.map((exists, i) => (this.rewrittenBySha.has(shas[i] ?? '') ? 1 : this.guard ? 0 : exists)) : result),
      };
    }
    if (sub === 'FLUSH') {
      // After a flush the client must see NOSCRIPT for everything, remembered originals included.
      return {
        command,
        reply: (result) => {
          this.forget();
          return result;
        },
      };
    }
    return { command };
  }
}
