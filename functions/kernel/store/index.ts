// The event store, its part without the AWS SDK: the command helper (decide → append, retried on a clash), the
// store's errors, the item layout the outbox relay reads, and the store's interfaces. A caller that holds an
// `EventStore` (or only reads item kinds) imports this; the DynamoDB implementation is `./dynamodb.js`.
export * from './command.js';
export * from './errors.js';
export type {
  Appended,
  AppendOptions,
  EventStore,
  EventStoreOptions,
  GuardClaim,
  LoadedStream,
  ReadRange,
  Rehydrated,
  Snapshot,
  SnapshotOutcome,
  SnapshotPolicy,
  StoredEventRef,
  StreamWrite,
} from './event-store.js';
export {
  ITEM_KINDS,
  KEY,
  MAX_EVENT_ENTRY_BYTES,
  MAX_SNAPSHOT_BYTES,
  MAX_TRANSACTION_BYTES,
  MAX_TRANSACTION_ITEMS,
  META_VERSION,
  toEventItem,
} from './items.js';
