/**
 * What a stateless HTTP endpoint must not run on a shared connection (pure): commands that block
 * the connection or change its state would stall or corrupt every other request on it. Upstash
 * REST refuses them too. Also: which commands only read, for the read-your-writes sync token.
 */

const BLOCKING = ['BLPOP', 'BRPOP', 'BRPOPLPUSH', 'BLMOVE', 'BLMPOP', 'BZPOPMIN', 'BZPOPMAX', 'BZMPOP', 'WAIT', 'WAITAOF'];

const CONNECTION_STATE = [
  'SELECT', 'AUTH', 'HELLO', 'CLIENT', 'RESET', 'QUIT', 'READONLY', 'READWRITE', 'ASKING', 'SWAPDB',
  'MONITOR', 'SYNC', 'PSYNC', 'REPLCONF', 'SHUTDOWN',
];

const SUBSCRIBE = ['SUBSCRIBE', 'PSUBSCRIBE', 'SSUBSCRIBE', 'UNSUBSCRIBE', 'PUNSUBSCRIBE', 'SUNSUBSCRIBE'];
const TRANSACTION = ['MULTI', 'EXEC', 'DISCARD', 'WATCH', 'UNWATCH'];

const REASON = new Map<string, string>();
for (const name of BLOCKING) REASON.set(name, 'it blocks the connection; poll with the non-blocking form instead');
for (const name of CONNECTION_STATE) REASON.set(name, 'it uses or changes connection state, which a stateless HTTP request cannot keep');
for (const name of SUBSCRIBE) REASON.set(name, 'use POST /subscribe/<channel> or /psubscribe/<pattern> (server-sent events)');
for (const name of TRANSACTION) REASON.set(name, 'send the commands to POST /multi-exec instead (WATCH is not supported)');

/** Why `name` is refused, as a Redis-style error; undefined when it may run. */
export function refusal(name: string, args: readonly string[]): string | undefined {
  const reason = REASON.get(name);
  if (reason) return `ERR ${name} is not supported over REST: ${reason}`;
  // XREAD/XREADGROUP block only with a BLOCK option.
  if ((name === 'XREAD' || name === 'XREADGROUP') && args.some((arg) => arg.toUpperCase() === 'BLOCK')) {
    return `ERR ${name} with BLOCK is not supported over REST: it blocks the connection; drop BLOCK and poll`;
  }
  return undefined;
}

// Commands that never change data. Everything else counts as a write (the safe side: the sync
// token then changes more often than strictly needed, never less).
const READ_ONLY = new Set([
  'GET', 'MGET', 'GETRANGE', 'SUBSTR', 'STRLEN', 'LCS', 'EXISTS', 'TTL', 'PTTL', 'EXPIRETIME', 'PEXPIRETIME', 'TYPE',
  'KEYS', 'SCAN', 'RANDOMKEY', 'DBSIZE', 'DUMP', 'OBJECT', 'MEMORY', 'TOUCH', 'SORT_RO',
  'HGET', 'HMGET', 'HGETALL', 'HKEYS', 'HVALS', 'HLEN', 'HEXISTS', 'HSTRLEN', 'HSCAN', 'HRANDFIELD',
  'LRANGE', 'LLEN', 'LINDEX', 'LPOS',
  'SMEMBERS', 'SISMEMBER', 'SMISMEMBER', 'SCARD', 'SRANDMEMBER', 'SSCAN', 'SINTER', 'SUNION', 'SDIFF', 'SINTERCARD',
  'ZRANGE', 'ZRANGEBYSCORE', 'ZRANGEBYLEX', 'ZREVRANGE', 'ZREVRANGEBYSCORE', 'ZREVRANGEBYLEX', 'ZSCORE', 'ZMSCORE',
  'ZCARD', 'ZCOUNT', 'ZLEXCOUNT', 'ZRANK', 'ZREVRANK', 'ZSCAN', 'ZRANDMEMBER', 'ZINTER', 'ZUNION', 'ZDIFF', 'ZINTERCARD',
  'XRANGE', 'XREVRANGE', 'XLEN', 'XINFO', 'XPENDING', 'XREAD',
  'GETBIT', 'BITCOUNT', 'BITPOS', 'BITFIELD_RO',
  'GEOPOS', 'GEODIST', 'GEOHASH', 'GEOSEARCH', 'GEORADIUS_RO', 'GEORADIUSBYMEMBER_RO',
  'PING', 'ECHO', 'TIME', 'INFO', 'LASTSAVE', 'COMMAND',
  'EVAL_RO', 'EVALSHA_RO', 'FCALL_RO',
]);

export function isReadOnly(name: string): boolean {
  return READ_ONLY.has(name);
}
