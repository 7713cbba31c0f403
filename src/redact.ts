/**
 * Secrets never print. Everything that leaves the process (stdout, stderr, audit entries,
 * reports, hook output excerpts) goes through `redact`, which removes URL credentials,
 * bearer tokens and every secret value registered at start-up (passwords, REST tokens).
 */

const MASK = '***';
const registered = new Set<string>();

/** Remember a secret value so any later output that contains it is masked. */
export function registerSecret(value: string | undefined | null): void {
  // Very short values would mask ordinary words ("a", "ok"); they are not worth guessing at.
  if (value && value.length >= 4) registered.add(value);
}

// scheme://<user-info>@host: the whole user-info goes, up to the LAST "@" of the word, because a
// password may hold "/", ":" or "@" unencoded (then nothing can tell where the user name ends).
const URL_USER_INFO = /([a-z][a-z0-9+.-]*:\/\/)[^\s"'<>`]*@/gi;
const BEARER = /(bearer\s+)[A-Za-z0-9._~+/=-]+/gi;
const TOKEN_PARAM = /([?&](?:_token|token|password|access_token)=)[^&\s"']+/gi;

export function redact(text: string): string {
  let out = text.replace(URL_USER_INFO, `$1${MASK}@`);
  out = out.replace(BEARER, `$1${MASK}`).replace(TOKEN_PARAM, `$1${MASK}`);
  for (const secret of registered) {
    if (out.includes(secret)) out = out.split(secret).join(MASK);
  }
  return out;
}

/** Redact every string inside a JSON-like value (for JSON output and audit payloads). */
export function redactDeep<T>(value: T): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map((item) => redactDeep(item)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) out[key] = redactDeep(item);
    return out as T;
  }
  return value;
}

/**
 * One URL as given (possibly malformed), safe to print: everything before its last "@" (after the
 * scheme, when there is one) is user-info and becomes ***, whatever characters the password holds.
 */
export function redactUrl(url: string): string {
  const at = url.lastIndexOf('@');
  if (at === -1) return redact(url);
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(url)?.[0] ?? '';
  return redact(`${scheme}${MASK}${url.slice(at)}`);
}
