// The event store on DynamoDB (imports the AWS SDK): `createEventStore`, the store named by the function's
// environment, the shared document client and the batched reads. Its interfaces are in `./index.js`.
export * from './batch-get.js';
export * from './environment.js';
export { createEventStore } from './event-store.js';
