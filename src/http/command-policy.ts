/**
 * What the bridge refuses to run (pure). Two kinds:
 * - commands a stateless HTTP endpoint cannot run on a shared connection: they block it or change
 *   its state, which would stall or corrupt every other request on it (Upstash REST refuses them too);
 * - admin commands: the bridge is an app endpoint, and a cache or a rate limiter never needs to read
 *   the configuration (CONFIG GET requirepass is the Redis password), manage users, replicate, save,
 *   load code or debug the server. Upstash does not offer them over REST either.
 * Also: which commands only read, for the read-your-writes sync token.
 */

import { argText, type Arg } from './request.js';

/** Switches a test set-up may need. */
export interface PolicyOptions {
  /** Let FLUSHALL / FLUSHDB through (test suites that reset Redis between tests). */
  allowFlush: boolean;
}

const BLOCKING = ['BLPOP', 'BRPOP', 'BRPOPLPUSH', 'BLMOVE', 'BLMPOP', 'BZPOPMIN', 'BZPOPMAX', 'BZMPOP', 'WAIT', 'WAITAOF'];
const CONNECTION_STATE = ['SELECT', 'AUTH', 'HELLO', 'RESET', 'QUIT', 'READONLY', 'READWRITE', 'ASKING'];
const SUBSCRIBE = ['SUBSCRIBE', 'PSUBSCRIBE', 'SSUBSCRIBE', 'UNSUBSCRIBE', 'PUNSUBSCRIBE', 'SUNSUBSCRIBE'];
const TRANSACTION = ['MULTI', 'EXEC', 'DISCARD', 'WATCH', 'UNWATCH'];

/** Admin commands, by family, with why an app endpoint refuses them. */
const ADMIN: ReadonlyArray<readonly [string[], string]> = [
  [['CONFIG'], 'it reads and changes the server configuration, the Redis password included'],
  [['ACL'], 'it reads and changes Redis users and their passwords'],
  [['DEBUG', 'PFDEBUG', 'PFSELFTEST'], 'debugging commands can crash, stall or corrupt the server'],
  [['REPLICAOF', 'SLAVEOF', 'FAILOVER', 'SYNC', 'PSYNC', 'REPLCONF', 'CLUSTER'], 'it changes or joins replication or cluster topology'],
  [['SAVE', 'BGSAVE', 'BGREWRITEAOF', 'SHUTDOWN'], "it writes the server's files or stops the server"],
  [['MODULE'], 'it loads native code into the server'],
  [['FUNCTION'], 'it installs server-side code that every client could then run'],
  [['CLIENT'], "it lists, kills or pauses other clients' connections, or changes this shared connection"],
  [['MONITOR'], 'it streams every command of every client, arguments included'],
  [['LATENCY', 'SLOWLOG'], "server diagnostics: they show and reset data about other clients' commands"],
  [['MIGRATE'], 'it makes Redis connect to another server and move keys there'],
  [['RESTORE', 'RESTORE-ASKING'], 'Redis does not fully check the serialized value by default, and a crafted one can crash it'],
  [['SWAPDB'], 'it swaps whole databases under every other client'],
];

const FLUSH = ['FLUSHALL', 'FLUSHDB'];
const FLUSH_REASON = 'it deletes every key (start serve-http with --allow-flush for a test suite that resets Redis)';

/** SCRIPT subcommands that reach beyond the request: the rest (LOAD, EXISTS, FLUSH) are fine. */
const SCRIPT_SUBCOMMANDS: ReadonlyMap<string, string> = new Map([
  ['DEBUG', 'it puts the connection in the Lua debugger, and other requests share that connection'],
  ['KILL', "it kills another client's running script"],
]);

// Name → the rest of the error after the name.
const ALWAYS = new Map<string, string>();
const unsupported = (reason: string) => `is not supported over REST: ${reason}`;
const admin = (reason: string) => `is not allowed over REST: admin command, ${reason}`;
for (const name of BLOCKING) ALWAYS.set(name, unsupported('it blocks the connection; poll with the non-blocking form instead'));
for (const name of CONNECTION_STATE) ALWAYS.set(name, unsupported('it uses or changes connection state, which a stateless HTTP request cannot keep'));
for (const name of SUBSCRIBE) ALWAYS.set(name, unsupported('use POST /subscribe/<channel> or /psubscribe/<pattern> (server-sent events)'));
for (const name of TRANSACTION) ALWAYS.set(name, unsupported('send the commands to POST /multi-exec instead (WATCH is not supported)'));
for (const [names, reason] of ADMIN) for (const name of names) ALWAYS.set(name, admin(reason));

/** Decides which commands run; one per bridge, built from its options. */
export class CommandPolicy {
  private readonly refused: ReadonlyMap<string, string>;
  private readonly adminNames: string[];

  constructor(readonly options: PolicyOptions) {
    const refused = new Map(ALWAYS);
    this.adminNames = ADMIN.flatMap(([names]) => names);
    if (!options.allowFlush) {
      for (const name of FLUSH) refused.set(name, admin(FLUSH_REASON));
      this.adminNames.push(...FLUSH);
    }
    this.refused = refused;
  }

  /** Why `name` is refused, as a Redis-style error; undefined when it may run. */
  refusal(name: string, args: readonly Arg[]): string | undefined {
    const rest = this.refused.get(name);
    if (rest) return `ERR ${name} ${rest}`;
    if (name === 'SCRIPT') {
      const sub = argText(args[0])?.toUpperCase() ?? '';
      const reason = SCRIPT_SUBCOMMANDS.get(sub);
      if (reason) return `ERR SCRIPT ${sub} ${admin(reason)}`;
    }
    // XREAD/XREADGROUP block only with a BLOCK option.
    if ((name === 'XREAD' || name === 'XREADGROUP') && args.some((arg) => typeof arg === 'string' && arg.toUpperCase() === 'BLOCK')) {
      return `ERR ${name} with BLOCK ${unsupported('it blocks the connection; drop BLOCK and poll')}`;
    }
    return undefined;
  }

  /**
   * The admin commands a script run through the bridge may not call either. Redis refuses most of
   * them inside scripts, but 7.0 lets FLUSHALL, FLUSHDB, MIGRATE, RESTORE, SWAPDB, SLOWLOG, PFDEBUG,
   * PFSELFTEST and CLUSTER through. (Blocking and connection commands behave inside scripts.)
   */
  scriptDenyList(): string[] {
    return [...this.adminNames].sort();
  }
}

// Commands that never change data. Everything else counts as a write (the safe side: the sync
// token then changes more often than strictly needed, never less).
const READ_ONLY = new Set([
  'GET',
  'MGET',
  'GETRANGE',
  'SUBSTR',
  'STRLEN',
  'LCS',
  'EXISTS',
  'TTL',
  'PTTL',
  'EXPIRETIME',
  'PEXPIRETIME',
  'TYPE',
  'KEYS',
  'SCAN',
  'RANDOMKEY',
  'DBSIZE',
  'DUMP',
  'OBJECT',
  'MEMORY',
  'TOUCH',
  'SORT_RO',
  'HGET',
  'HMGET',
  'HGETALL',
  'HKEYS',
  'HVALS',
  'HLEN',
  'HEXISTS',
  'HSTRLEN',
  'HSCAN',
  'HRANDFIELD',
  'LRANGE',
  'LLEN',
  'LINDEX',
  'LPOS',
  'SMEMBERS',
  'SISMEMBER',
  'SMISMEMBER',
  'SCARD',
  'SRANDMEMBER',
  'SSCAN',
  'SINTER',
  'SUNION',
  'SDIFF',
  'SINTERCARD',
  'ZRANGE',
  'ZRANGEBYSCORE',
  'ZRANGEBYLEX',
  'ZREVRANGE',
  'ZREVRANGEBYSCORE',
  'ZREVRANGEBYLEX',
  'ZSCORE',
  'ZMSCORE',
  'ZCARD',
  'ZCOUNT',
  'ZLEXCOUNT',
  'ZRANK',
  'ZREVRANK',
  'ZSCAN',
  'ZRANDMEMBER',
  'ZINTER',
  'ZUNION',
  'ZDIFF',
  'ZINTERCARD',
  'XRANGE',
  'XREVRANGE',
  'XLEN',
  'XINFO',
  'XPENDING',
  'XREAD',
  'GETBIT',
  'BITCOUNT',
  'BITPOS',
  'BITFIELD_RO',
  'GEOPOS',
  'GEODIST',
  'GEOHASH',
  'GEOSEARCH',
  'GEORADIUS_RO',
  'GEORADIUSBYMEMBER_RO',
  'PING',
  'ECHO',
  'TIME',
  'INFO',
  'LASTSAVE',
  'COMMAND',
  'EVAL_RO',
  'EVALSHA_RO',
  'FCALL_RO',
]);

export function isReadOnly(name: string): boolean {
  return READ_ONLY.has(name);
}
