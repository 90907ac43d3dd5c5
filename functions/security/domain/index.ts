export * from './commands.js';
export { decide } from './decide.js';
export * from './decider.js';
export * from './state.js';
