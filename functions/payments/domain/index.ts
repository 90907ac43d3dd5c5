export * from './commands.js';
export { decideWith, TOKEN_UNAVAILABLE } from './decide.js';
export * from './decider.js';
export * from './errors.js';
export * from './provider.js';
export * from './state.js';
