/**
 * Confirmations: after a flip, which live app instances acknowledged the new version, and how fast.
 * The CLI subscribes to the ack channel before it flips, so no acknowledgement can be missed. An
 * instance that shuts down meanwhile is gone, not unconfirmed: confirmed if it acknowledged first.
 */
import type { StateKeys } from './keys.js';
import { readInstances, type AckMessage, type InstanceView } from './instances.js';
import type { RedisClient } from '../redis/client.js';

export interface ConfirmationReport {
  /** Instances that were live at the flip, plus any that acknowledged it. */
  live: number;
  confirmed: number;
  /** Slowest acknowledgement, ms from sending the change; null if none arrived. */
  slowestMs: number | null;
  waitedMs: number;
  /** Confirmed instances still pinned to legacy by their own USE_BULLMQ=false. */
  killSwitch: number;
  /** Still registered and not on the version: the ones to look at. */
  unconfirmed: InstanceSummary[];
  /** Shut down since the change (their record removed); `confirmed` if they acknowledged it first. */
  gone: (InstanceSummary & { confirmed: boolean })[];
}

export interface InstanceSummary {
  id: string;
  app: string;
  host: string;
  pid: number;
  version: number;
}

export interface AckWatch {
  /** Start the clock: call right before sending the change. */
  markSent(): void;
  wait(target: { version: number; epoch: string | null; expected: InstanceView[]; waitMs: number }): Promise<ConfirmationReport>;
  stop(): Promise<void>;
}

export async function watchAcks(subscriber: RedisClient, keys: StateKeys, client: RedisClient): Promise<AckWatch> {
  const acks = new Map<string, { message: AckMessage; atMs: number }>();
  const left = new Set<string>();
  let sentAt = performance.now();
  let onAck: (() => void) | undefined;
  subscriber.on('message', (channel: string, text: string) => {
    if (channel !== keys.acks) return;
    try {
      const message = JSON.parse(text) as AckMessage;
      const earlier = acks.get(message.id);
      // A last word repeats the version an instance already acknowledged: keep when it first did.
      const atMs = earlier && earlier.message.version >= message.version ? earlier.atMs : performance.now() - sentAt;
      acks.set(message.id, { message, atMs });
      if (message.left) left.add(message.id);
      onAck?.();
    } catch {
      // Not ours; the channel is namespaced, but never let a stray message break a rollback.
    }
  });
  await subscriber.subscribe(keys.acks);

  return {
    markSent() {
      sentAt = performance.now();
    },
    async wait({ version, epoch, expected, waitMs }) {
      const started = performance.now();
      const applied = (id: string) => {
        const ack = acks.get(id);
        return ack !== undefined && ack.message.version >= version && ack.message.epoch === epoch;
      };
      const allIn = () => expected.every((instance) => applied(instance.id) || left.has(instance.id));
      if (!allIn() && waitMs > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, waitMs);
          onAck = () => {
            if (allIn()) {
              clearTimeout(timer);
              resolve();
            }
          };
        });
        onAck = undefined;
      }
      const waitedMs = Math.round(performance.now() - started);
      // A record can show the version even if its ack message was lost (e.g. it re-read after a reconnect).
      const { instances } = await readInstances(client, keys);
      const byId = new Map(instances.map((instance) => [instance.id, instance]));
      const ids = new Set([...expected.map((instance) => instance.id), ...[...acks.keys()].filter(applied)]);
      const confirmedIds = [...ids].filter((id) => {
        const record = byId.get(id);
        return applied(id) || (record !== undefined && record.version >= version && record.epoch === epoch);
      });
      const times = confirmedIds.map((id) => acks.get(id)?.atMs).filter((ms): ms is number => ms !== undefined);
      // Left: said so, or its record is gone (removed on a clean shutdown, e.g. by an older SDK that sends no last word).
      const goneIds = [...ids].filter((id) => left.has(id) || !byId.has(id));
      const summary = (id: string): InstanceSummary => {
        const record = byId.get(id) ?? expected.find((instance) => instance.id === id);
        const message = acks.get(id)?.message;
        return {
          id,
          app: record?.app ?? message?.app ?? '?',
          host: record?.host ?? '?',
          pid: record?.pid ?? 0,
          version: message?.version ?? record?.version ?? 0,
        };
      };
      return {
        live: ids.size,
        confirmed: confirmedIds.length,
        slowestMs: times.length ? Math.round(Math.max(...times) * 10) / 10 : null,
        waitedMs,
        killSwitch: confirmedIds.filter((id) => byId.get(id)?.killSwitch).length,
        unconfirmed: [...ids].filter((id) => !confirmedIds.includes(id) && !goneIds.includes(id)).map(summary),
        gone: goneIds.map((id) => ({ ...summary(id), confirmed: confirmedIds.includes(id) })),
      };
    },
    async stop() {
      await subscriber.unsubscribe(keys.acks).catch(() => undefined);
    },
  };
}

/** Without a change to wait for: who among the live instances has applied the current version. */
export function confirmationsFromRecords(instances: InstanceView[], version: number, epoch: string | null): ConfirmationReport {
  const live = instances.filter((instance) => instance.live);
  const confirmed = live.filter((instance) => instance.version >= version && instance.epoch === epoch);
  return {
    live: live.length,
    confirmed: confirmed.length,
    slowestMs: null,
    waitedMs: 0,
    killSwitch: confirmed.filter((instance) => instance.killSwitch).length,
    unconfirmed: live.filter((instance) => !confirmed.includes(instance)).map(({ id, app, host, pid, version: v }) => ({ id, app, host, pid, version: v })),
    gone: [],
  };
}
