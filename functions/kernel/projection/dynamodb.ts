// The read side on DynamoDB (imports the AWS SDK): the projector that keeps read-model items idempotent by
// stream version, and the rebuild from the event store. Views, interfaces and errors are in `./index.js`.
export { createProjector } from './projector.js';
export * from './rebuild.js';
