/**
 * What the fleet asks of the flags. During the migration that is the flags SDK; after phase 3 the
 * app is redeployed without the legacy code paths and without the SDK (`FLEET_FLAGS=off`): every
 * queue on BullMQ, the cache and limiters on HTTP when an endpoint is configured, no connection.
 */
import type { FlagsClient } from '../../src/flags/index.js';

export type AppFlags = Pick<FlagsClient, 'useBullMQ' | 'useHttpRedis' | 'version' | 'on' | 'off' | 'close'> & Partial<Pick<FlagsClient, 'rollout'>>;

export function migratedFlags(http: boolean): AppFlags {
  const flags: AppFlags = {
    useBullMQ: () => true,
    useHttpRedis: () => http,
    version: 0,
    // Nothing ever changes: no events to subscribe to.
    on: () => flags as unknown as FlagsClient,
    off: () => flags as unknown as FlagsClient,
    close: async () => undefined,
  };
  return flags;
}
