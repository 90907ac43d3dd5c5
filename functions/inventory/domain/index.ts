export * from './commands.js';
export * from './metadata.js';
export * from './product/index.js';
export * from './reservation/index.js';
