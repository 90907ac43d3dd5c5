// The event store: append with optimistic concurrency, load and rehydrate, snapshots, the command helper.
export * from './command.js';
export * from './environment.js';
export * from './errors.js';
export * from './event-store.js';
export {
  ITEM_KINDS,
  KEY,
  MAX_EVENT_ENTRY_BYTES,
  MAX_SNAPSHOT_BYTES,
  MAX_TRANSACTION_BYTES,
  MAX_TRANSACTION_ITEMS,
  META_VERSION,
} from './items.js';
