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

export function clientFromFields(fields: Record<string, string>): ClientInfo {
  return {
    id: fields.id ?? '',
    addr: fields.addr ?? '',
    laddr: str(fields.laddr),
    fd: num(fields.fd),
    name: fields.name ?? '',
    age: num(fields.age) ?? 0,
    idle: num(fields.idle) ?? 0,
    flags: fields.flags ?? '',
    db: num(fields.db),
    sub: num(fields.sub) ?? 0,
    psub: num(fields.psub) ?? 0,
    ssub: num(fields.ssub) ?? 0,
    multi: num(fields.multi),
    watch: num(fields.watch),
    qbuf: num(fields.qbuf),
    qbufFree: num(fields['qbuf-free']),
    argvMem: num(fields['argv-mem']),
    multiMem: num(fields['multi-mem']),
    rbs: num(fields.rbs),
    rbp: num(fields.rbp),
    obl: num(fields.obl),
    oll: num(fields.oll),
    omem: num(fields.omem),
    totMem: num(fields['tot-mem']),
    events: fields.events ?? '',
    cmd: fields.cmd ?? '',
    user: str(fields.user),
    redir: num(fields.redir),
    resp: num(fields.resp),
    libName: str(fields['lib-name']),
    libVer: str(fields['lib-ver']),
    ioThread: num(fields['io-thread']),
    totNetIn: num(fields['tot-net-in']),
    totNetOut: num(fields['tot-net-out']),
    totCmds: num(fields['tot-cmds']),
    fields,
  };
}

/** The whole reply: one client per `id=` line; blank or foreign lines are ignored. */
export function parseClientList(text: string): ClientInfo[] {
  const out: ClientInfo[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (!line.startsWith('id=')) continue;
    out.push(clientFromFields(parseClientFields(line)));
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
