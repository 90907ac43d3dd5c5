export { type CommandMetadata, commandMetadata } from '../../kernel/domain/commands.js';
export * from './commands.js';
export * from './mission/index.js';
export * from './shipment/index.js';
