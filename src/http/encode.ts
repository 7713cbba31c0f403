/**
 * Redis replies → the JSON text Upstash answers with (pure). Replies arrive as Buffers (binary
 * safe, from `callBuffer`), integers (as decimal strings: the pool reads them with ioredis's
 * `stringNumbers`, so a counter beyond 2^53 keeps its digits), null, nested arrays, and errors
 * nested in arrays. Every other string is text (the bridge's own replies).
 *
 * With `Upstash-Encoding: base64` every string is base64, nested ones included: the client decodes
 * every string in an array, so a raw nested "OK" would come back as "8". A top-level status "OK" is
 * base64 too ("T0s="), which the client decodes back to "OK" (Upstash leaves it raw; both decode the
 * same). Without the header, strings are UTF-8 (binary values get U+FFFD, as on Upstash).
 *
 * The JSON is written directly: base64 needs no escaping, and skipping an intermediate object tree
 * matters on the hot path.
 */

const INTEGER = /^-?(?:0|[1-9]\d*)$/;

function stringJson(text: string, base64: boolean): string {
  return base64 ? `"${Buffer.from(text, 'utf8').toString('base64')}"` : JSON.stringify(text);
}

/** One reply value as JSON text. */
export function encodeValue(value: unknown, base64: boolean): string {
  if (value === null || value === undefined) return 'null';
  if (Buffer.isBuffer(value)) return base64 ? `"${value.toString('base64')}"` : JSON.stringify(value.toString('utf8'));
  switch (typeof value) {
    case 'number':
      return Number.isFinite(value) ? String(value) : stringJson(String(value), base64);
    case 'string':
      return INTEGER.test(value) ? value : stringJson(value, base64);
    case 'bigint':
      return String(value);
    case 'boolean':
      return value ? '1' : '0';
    default:
      break;
  }
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      out += encodeValue(value[i], base64);
    }
    return `${out}]`;
  }
  // An error reply nested in an array (EXEC, or a script returning redis.error_reply in a table):
  // JSON has no error type, so it travels as its text.
  if (value instanceof Error) return stringJson(value.message, base64);
  return stringJson(String(value), base64);
}

/** `{"result": ...}` for a successful command. */
export function resultJson(value: unknown, base64: boolean): string {
  return `{"result":${encodeValue(value, base64)}}`;
}

/** `{"error": "..."}`: error texts are never base64 (the client reads them as they are). */
export function errorJson(message: string): string {
  return `{"error":${JSON.stringify(message)}}`;
}
