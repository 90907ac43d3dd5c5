// CQRS read side, its part without the AWS SDK: views and projections (pure), the EventBridge and SQS batch
// entry points of a projector, the projector's interfaces and errors. Read models (pure) import this; the
// DynamoDB projector and the rebuild are `./dynamodb.js`.
export * from './batch.js';
export * from './errors.js';
export * from './handler.js';
export type {
  BatchItemResult,
  BatchOptions,
  ProjectionOutcome,
  Projector,
  ProjectorOptions,
  StreamReader,
} from './projector.js';
export * from './view.js';
