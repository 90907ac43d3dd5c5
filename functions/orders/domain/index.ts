export * from './commands.js';
export { decide, orderRules } from './decide.js';
export { orderDecider } from './decider.js';
export * from './state.js';
