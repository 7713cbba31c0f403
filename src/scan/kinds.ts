/**
 * What the scanner knows a value to be, as a short string so the inference can compare and store it
 * cheaply: `bull-queue`, `promise:bull-job`, `list:ioredis`, `mod:3` (a scanned file's exports),
 * `inst:3:0` (an instance of the first class declared in file 3). Unknown is null.
 */
export type Kind = string;

export const KIND = {
  /** Bull's default export: the Queue constructor, also the namespace of its types (`Bull.Job`). */
  bullClass: 'bull-class',
  bullQueue: 'bull-queue',
  bullJob: 'bull-job',
  /** The `done` callback of a Bull processor. */
  bullDone: 'bull-done',
  ioredisClass: 'ioredis-class',
  ioredisClusterClass: 'ioredis-cluster-class',
  ioredis: 'ioredis',
  /** ioredis `pipeline()` / `multi()`. */
  ioredisBatch: 'ioredis-batch',
  upstashModule: 'upstash-module',
  upstashClass: 'upstash-class',
  upstash: 'upstash',
  upstashBatch: 'upstash-batch',
  nestBullModule: 'nestbull-module',
  boardAdapterClass: 'board-bull-adapter',
} as const;

/** A named export of Bull used as a type (`import { Job, JobOptions } from 'bull'`). */
export const bullType = (name: string): Kind => `bull-type:${name}`;
/** A named export of @nestjs/bull (`Processor`, `Process`, `InjectQueue`, `BullModule`, ...). */
export const nestBull = (name: string): Kind => `nestbull:${name}`;

export const promiseOf = (kind: Kind): Kind => (kind.startsWith('promise:') ? kind : `promise:${kind}`);
export const listOf = (kind: Kind): Kind => `list:${kind}`;

export function awaited(kind: Kind | null): Kind | null {
  return kind?.startsWith('promise:') ? kind.slice('promise:'.length) : kind;
}

export function elementOf(kind: Kind | null): Kind | null {
  return kind?.startsWith('list:') ? kind.slice('list:'.length) : null;
}

export function namedOf(kind: Kind | null, prefix: 'bull-type:' | 'nestbull:'): string | null {
  return kind?.startsWith(prefix) ? kind.slice(prefix.length) : null;
}

/** Which library a kind belongs to, for grouping and `--only`. */
export function libraryOf(kind: Kind): 'bull' | 'nestjs' | 'ioredis' | 'upstash' | null {
  if (kind.startsWith('bull') || kind === KIND.boardAdapterClass) return 'bull';
  if (kind.startsWith('nestbull')) return 'nestjs';
  if (kind.startsWith('ioredis')) return 'ioredis';
  if (kind.startsWith('upstash')) return 'upstash';
  return null;
}
