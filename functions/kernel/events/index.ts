// The pure half of the kernel: safe to import from domain code (no AWS SDK, no Powertools).
export * from './catalogue.js';
export * from './define.js';
export * from './envelope.js';
export * from './metadata.js';
export * from './parse.js';
export * from './trace-context.js';
