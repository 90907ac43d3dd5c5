export { FIS_ACTIONS, type FisActionDefinition, parseIsoDuration } from './actions.js';
export { experimentView } from './api.js';
export type { ActionStatus, ExperimentStatus, LocalExperiment } from './experiments.js';
export { type ActiveFault, FaultInjector, INJECTED_ERROR_TYPE } from './injection.js';
export type { ExperimentLogRecord } from './log.js';
export * from './plugin.js';
export type { ExperimentTemplate, LocalTemplate } from './templates.js';
