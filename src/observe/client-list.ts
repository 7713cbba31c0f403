/**
 * `CLIENT LIST` text → records. Pure. Every field is kept as sent (`fields`), the ones this tool
 * knows are also typed; fields a newer server adds are kept, fields an older one lacks are null
 * (Redis 7.0 has no `lib-name`/`lib-ver`, 8.x adds `io-thread`, `tot-net-in`, ...).
 */

export interface ClientInfo {
  id: string;
  /** Peer address "ip:port" as the server sees it. */
  addr: string;
  laddr: string | null;
  fd: number | null;
  /** CLIENT SETNAME value, "" when unnamed. */
  name: string;
  /** Seconds since the connection was opened. */
  age: number;
  /** Seconds since its last command. */
  idle: number;
  flags: string;
  db: number | null;
  sub: number;
  psub: number;
  ssub: number;
  multi: number | null;
  watch: number | null;
  qbuf: number | null;
  qbufFree: number | null;
  argvMem: number | null;
  multiMem: number | null;
  rbs: number | null;
  rbp: number | null;
  obl: number | null;
  oll: number | null;
  omem: number | null;
  totMem: number | null;
  events: string;
  /** Last command run ("brpoplpush", "client|list" on 7.x); "NULL" before the first. */
  cmd: string;
  user: string | null;
  redir: number | null;
  resp: number | null;
  libName: string | null;
  libVer: string | null;
  ioThread: number | null;
  totNetIn: number | null;
  totNetOut: number | null;
  totCmds: number | null;
  /** Every field exactly as the server sent it, known or not. */
  fields: Record<string, string>;
}

function num(value: string | undefined): number | null {
  if (value === undefined || value === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

function str(value: string | undefined): string | null {
  return value === undefined ? null : value;
}

/** One `CLIENT LIST` line → fields. Values never contain spaces (Redis rejects such names). */
export function parseClientFields(line: string): Record<string, string> {
  const fields: Record<string, string> = {};
  let start = 0;
  const length = line.length;
  while (start < length) {
    let end = line.indexOf(' ', start);
    if (end === -1) end = length;
    const eq = line.indexOf('=', start);
    if (eq !== -1 && eq < end) fields[line.slice(start, eq)] = line.slice(eq + 1, end);
    start = end + 1;
  }
  return fields;
}

const KNOWN = [
  'id',
  'addr',
  'laddr',
  'fd',
  'name',
  'age',
  'idle',
  'flags',
  'db',
  'sub',
  'psub',
  'ssub',
  'multi',
  'watch',
  'qbuf',
  'qbufFree',
  'argvMem',
  'multiMem',
  'rbs',
  'rbp',
  'obl',
  'oll',
  'omem',
  'totMem',
  'events',
  'cmd',
  'user',
  'redir',
  'resp',
  'libName',
  'libVer',
  'ioThread',
  'totNetIn',
  'totNetOut',
  'totCmds',
] as const;

/**
 * One client. The fields classification needs are read in one pass over the line; every other
 * field is parsed on first access (10,000 clients parse in a few ms that way).
 */
class ParsedClient implements ClientInfo {
  id = '';
  addr = '';
  name = '';
  age = 0;
  idle = 0;
  flags = '';
  sub = 0;
  psub = 0;
  cmd = '';
  private all: Record<string, string> | undefined;

  constructor(private readonly line: string) {
    const length = line.length;
    let start = 0;
    while (start < length) {
      let end = line.indexOf(' ', start);
      if (end === -1) end = length;
      const eq = line.indexOf('=', start);
      if (eq !== -1 && eq < end) {
        const keyLength = eq - start;
        // Compare in place: no key strings are allocated for the fields skipped here.
        if (keyLength === 2 && line.startsWith('id', start)) this.id = line.slice(eq + 1, end);
        else if (keyLength === 4 && line.startsWith('addr', start)) this.addr = line.slice(eq + 1, end);
        else if (keyLength === 4 && line.startsWith('name', start)) this.name = line.slice(eq + 1, end);
        else if (keyLength === 3 && line.startsWith('age', start)) this.age = Number(line.slice(eq + 1, end)) || 0;
        else if (keyLength === 4 && line.startsWith('idle', start)) this.idle = Number(line.slice(eq + 1, end)) || 0;
        else if (keyLength === 5 && line.startsWith('flags', start)) this.flags = line.slice(eq + 1, end);
        else if (keyLength === 3 && line.startsWith('sub', start)) this.sub = Number(line.slice(eq + 1, end)) || 0;
        else if (keyLength === 4 && line.startsWith('psub', start)) this.psub = Number(line.slice(eq + 1, end)) || 0;
        else if (keyLength === 3 && line.startsWith('cmd', start)) this.cmd = line.slice(eq + 1, end);
      }
      start = end + 1;
    }
  }

  get fields(): Record<string, string> {
    this.all ??= parseClientFields(this.line);
    return this.all;
  }
  get laddr() {
    return str(this.fields.laddr);
  }
  get fd() {
    return num(this.fields.fd);
  }
  get db() {
    return num(this.fields.db);
  }
  get ssub() {
    return num(this.fields.ssub) ?? 0;
  }
  get multi() {
    return num(this.fields.multi);
  }
  get watch() {
    return num(this.fields.watch);
  }
  get qbuf() {
    return num(this.fields.qbuf);
  }
  get qbufFree() {
    return num(this.fields['qbuf-free']);
  }
  get argvMem() {
    return num(this.fields['argv-mem']);
  }
  get multiMem() {
    return num(this.fields['multi-mem']);
  }
  get rbs() {
    return num(this.fields.rbs);
  }
  get rbp() {
    return num(this.fields.rbp);
  }
  get obl() {
    return num(this.fields.obl);
  }
  get oll() {
    return num(this.fields.oll);
  }
  get omem() {
    return num(this.fields.omem);
  }
  get totMem() {
    return num(this.fields['tot-mem']);
  }
  get events() {
    return this.fields.events ?? '';
  }
  get user() {
    return str(this.fields.user);
  }
  get redir() {
    return num(this.fields.redir);
  }
  get resp() {
    return num(this.fields.resp);
  }
  get libName() {
    return str(this.fields['lib-name']);
  }
  get libVer() {
    return str(this.fields['lib-ver']);
  }
  get ioThread() {
    return num(this.fields['io-thread']);
  }
  get totNetIn() {
    return num(this.fields['tot-net-in']);
  }
  get totNetOut() {
    return num(this.fields['tot-net-out']);
  }
  get totCmds() {
    return num(this.fields['tot-cmds']);
  }

  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const key of KNOWN) out[key] = this[key];
    out.fields = this.fields;
    return out;
  }
}

/** The whole reply: one client per `id=` line; blank or foreign lines are ignored. */
export function parseClientList(text: string): ClientInfo[] {
  const out: ClientInfo[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (!line.startsWith('id=')) continue;
    out.push(new ParsedClient(line));
  }
  return out;
}

/** "client|list" → "client": the command family, as older servers report it. */
export function baseCommand(cmd: string): string {
  const bar = cmd.indexOf('|');
  return (bar === -1 ? cmd : cmd.slice(0, bar)).toLowerCase();
}

/** The peer's host part of "ip:port" (IPv6 "[::1]:port" or "::1:port" too). */
export function peerHost(addr: string): string {
  const colon = addr.lastIndexOf(':');
  const host = colon === -1 ? addr : addr.slice(0, colon);
  return host.replace(/^\[(.*)\]$/, '$1');
}

/** A replication link (a replica seen from its master, flag S, or the master seen from a replica, flag M): not an app client. */
export function isReplicationLink(client: Pick<ClientInfo, 'flags'>): boolean {
  return client.flags.includes('S') || client.flags.includes('M');
}
