export type { ReplayRecord } from './archive.js';
export type { PutEventsCaller, PutEventsIdentities } from './authorize.js';
export * from './config.js';
export * from './delivery.js';
export type { EventBridgeEvent } from './event.js';
export {
  CompiledEventPattern,
  compileEventPattern,
  type EventPattern,
  matchesEventPattern,
  validateEventPattern,
} from './pattern.js';
export type { PutEventsRequestEntry, PutEventsResponse, PutEventsResultEntry } from './put-events.js';
export type { StartReplayInput } from './replay.js';
export {
  type AcceptedEvent,
  LocalEventBridge,
  type LocalEventBridgeOptions,
  type PutEventsOptions,
} from './runtime.js';
export { createEventBridgeService, EventBridgeService } from './service.js';
export { compileTargetInput, type TargetInputConfig, type TransformContext } from './transform.js';
