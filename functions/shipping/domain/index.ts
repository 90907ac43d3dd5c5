export { type CommandMetadata, commandMetadata } from './boundary.js';
export * from './commands.js';
export * from './mission/index.js';
export * from './shipment/index.js';
