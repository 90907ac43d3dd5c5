/** Chaos engineering on AWS FIS: the one entry point of the area (fis-actions.ts alone is CDK-free). */
export * from './chaos-monkey.js';
export * from './fault-injection.js';
export * from './fis-actions.js';
export * from './lambda-fault-experiment.js';
