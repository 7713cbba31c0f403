/**
 * Lua scripts written for Upstash, made to run on stock Redis (pure: no I/O).
 *
 * `@upstash/ratelimit` 2.1+ starts every script with `#!lua flags=allow-key-locking`, an
 * Upstash-only flag that Redis rejects ("Unexpected flag in script shebang"). So: strip that flag,
 * remember sha1(original) → rewritten, run EVALSHA of an original as EVAL of its rewrite, and answer
 * SCRIPT LOAD with the original's sha, because clients compare against the sha of what they sent.
 * Unknown shas pass through untouched so Redis answers NOSCRIPT and the client falls back to EVAL.
 */
import { createHash } from 'node:crypto';
import type { RedisCommand } from './request.js';

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
    const flags = part.slice('flags='.length).split(',').filter((flag) => flag !== '');
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

// Scripts are few (a rate limiter has about six); the cap only guards against a client that sends
// endless generated scripts.
const MAX_SCRIPTS = 1000;

/** The sha map of one bridge. */
export class ScriptTable {
  private readonly rewrittenBySha = new Map<string, string>();
  private readonly rewrittenByText = new Map<string, string>();

  /** Number of scripts that needed a rewrite. */
  get size(): number {
    return this.rewrittenBySha.size;
  }

  /** The rewrite of `script` (remembered under the original's sha), or the script itself. */
  private rewrite(script: string): string {
    const known = this.rewrittenByText.get(script);
    if (known !== undefined) return known;
    const rewritten = stripUpstashFlags(script);
    if (rewritten === script) return script;
    if (this.rewrittenByText.size >= MAX_SCRIPTS) {
      this.rewrittenByText.clear();
      this.rewrittenBySha.clear();
    }
    this.rewrittenByText.set(script, rewritten);
    this.rewrittenBySha.set(sha1(script), rewritten);
    return rewritten;
  }

  prepare(command: RedisCommand): PreparedScript {
    const { name, args } = command;
    const first = args[0];
    if (first === undefined) return { command };
    switch (name) {
      case 'EVAL':
      case 'EVAL_RO': {
        const rewritten = this.rewrite(first);
        return rewritten === first ? { command } : { command: { name, args: [rewritten, ...args.slice(1)] } };
      }
      case 'EVALSHA':
      case 'EVALSHA_RO': {
        const rewritten = this.rewrittenBySha.get(first.toLowerCase());
        if (rewritten === undefined) return { command };
        return { command: { name: name === 'EVALSHA' ? 'EVAL' : 'EVAL_RO', args: [rewritten, ...args.slice(1)] } };
      }
      case 'SCRIPT':
        return this.prepareScript(command, first.toUpperCase());
      default:
        return { command };
    }
  }

  private prepareScript(command: RedisCommand, sub: string): PreparedScript {
    const { args } = command;
    if (sub === 'LOAD' && args[1] !== undefined) {
      const original = args[1];
      const rewritten = this.rewrite(original);
      if (rewritten === original) return { command };
      const sha = sha1(original);
      return { command: { name: 'SCRIPT', args: [args[0] as string, rewritten] }, reply: () => sha };
    }
    if (sub === 'EXISTS') {
      const shas = args.slice(1).map((sha) => sha.toLowerCase());
      return {
        command,
        // A remembered original runs (as EVAL of its rewrite), so it exists as far as the client can tell.
        reply: (result) =>
          Array.isArray(result) ? result.map((exists, i) => (this.rewrittenBySha.has(shas[i] ?? '') ? 1 : exists)) : result,
      };
    }
    if (sub === 'FLUSH') {
      // After a flush the client must see NOSCRIPT for everything, remembered originals included.
      return {
        command,
        reply: (result) => {
          this.rewrittenBySha.clear();
          this.rewrittenByText.clear();
          return result;
        },
      };
    }
    return { command };
  }
}
