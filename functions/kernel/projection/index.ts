// CQRS read side: projections into read-model tables, idempotent by stream version, order-proof, rebuildable.
export * from './batch.js';
export * from './handler.js';
export * from './projector.js';
export * from './rebuild.js';
export * from './view.js';
