export * from './commands.js';
export { decide } from './decide.js';
export { notificationDecider } from './decider.js';
export * from './notification.js';
export * from './policy.js';
export * from './state.js';
