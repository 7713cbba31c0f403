/**
 * The flags SDK, imported by apps as `redis-migrate/flags`:
 * `const flags = await connectFlags({ app: 'worker' }); flags.useBullMQ('calendar-sync')`.
 */
export { FlagsClient } from './client.js';
export { connectFlags } from './connect.js';
export type { ConnectFlagsOptions, FlagChangeEvent, FlagSource } from './client.js';
export type { FlagNames, FlagSnapshot } from './snapshot.js';
