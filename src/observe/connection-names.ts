/**
 * What a connection's name says. Bull names its blocking client `<prefix>:<base64(queue)>`;
 * BullMQ uses the very same name for a Worker's blocking connection, adds `:qe` for QueueEvents
 * and `:w:<worker name>` when the Worker has a name. ioredis Cluster prefixes the names of its
 * helper connections with `ioredis-cluster(<component>):`. Pure.
 */

export interface DecodedName {
  prefix: string;
  queue: string;
  /** "qe": QueueEvents; "worker": a Worker or Bull bclient name (with or without `:w:<name>`). */
  kind: 'worker' | 'qe';
}

const CLUSTER_HELPER = /^ioredis-cluster\([a-z]+\):/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** The name as the app set it, without ioredis Cluster's helper prefix. */
export function appName(name: string): string {
  return CLUSTER_HELPER.test(name) ? name.replace(CLUSTER_HELPER, '') : name;
}

/** base64 → text, only when it round-trips exactly and decodes to printable text. */
export function strictBase64(text: string): string | null {
  if (text.length === 0 || text.length % 4 !== 0 || !BASE64.test(text)) return null;
  const decoded = Buffer.from(text, 'base64');
  if (decoded.toString('base64') !== text) return null;
  const value = decoded.toString('utf8');
  // Control characters or replacement characters mean it was not a queue name.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point: a decoded name with one is refused
  if (/[\u0000-\u001f\u007f\ufffd]/.test(value)) return null;
  return value;
}

function decodeRest(prefix: string, rest: string): DecodedName | null {
  const colon = rest.indexOf(':');
  const encoded = colon === -1 ? rest : rest.slice(0, colon);
  const suffix = colon === -1 ? '' : rest.slice(colon);
  if (suffix !== '' && suffix !== ':qe' && !suffix.startsWith(':w:')) return null;
  const queue = strictBase64(encoded);
  if (queue === null) return null;
  return { prefix, queue, kind: suffix === ':qe' ? 'qe' : 'worker' };
}

/**
 * Decode `<prefix>:<base64>[:qe|:w:<name>]`. Known prefixes are tried first (they may contain
 * ":"), then the first segment is taken as the prefix. Null when the name is not of that shape.
 */
export function decodeQueueName(name: string, knownPrefixes: readonly string[] = []): DecodedName | null {
  if (!name || name.indexOf(':') === -1) return null;
  for (const prefix of knownPrefixes) {
    if (name.length > prefix.length + 1 && name.startsWith(prefix) && name[prefix.length] === ':') {
      const decoded = decodeRest(prefix, name.slice(prefix.length + 1));
      if (decoded) return decoded;
    }
  }
  const colon = name.indexOf(':');
  return decodeRest(name.slice(0, colon), name.slice(colon + 1));
}
