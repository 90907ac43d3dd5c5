/** Local Step Functions: the synthesized ASL run by aws-local-stepfunctions, served as `AWSStepFunctions.*`. */
export type { ExecutionDescription } from './api-shapes.js';
export { MAX_TIMEOUT_SECONDS } from './definition.js';
export {
  type EngineOptions,
  type ExecutionOutcome,
  type ExecutionRequest,
  type ExecutionStatus,
  LocalExecution,
  type PreparedStateMachine,
  type StateMachineConfig,
  StepFunctionsEngine,
} from './engine.js';
export {
  StateMachineDefinitionError,
  StatesError,
  StepFunctionsError,
  UnsupportedResourceError,
} from './errors.js';
export type { HistoryEvent } from './history.js';
export {
  STATE_MACHINE_TYPE,
  type StepFunctionsPlugin,
  type StepFunctionsPluginOptions,
  stateMachinesOf,
  stepFunctionsPlugin,
} from './plugin.js';
export { type LocalStateMachine, StepFunctionsService, type StepFunctionsServiceOptions } from './service.js';
export type {
  DynamoDbOperation,
  PutEventsEntry,
  PutEventsResult,
  SqsSendMessageParams,
  SqsSendMessageResult,
  StepFunctionsIntegrations,
} from './tasks.js';
