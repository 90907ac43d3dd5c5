// The Saga construct (definition compiler, props, construct) and the error names its runtime shares.

export { COMPENSATION_RETRY_DEFAULTS, SAGA_EVENT_SOURCE, TRANSIENT_RETRY_DEFAULTS } from './definition.js';
export type { SagaCompensation, SagaPayload, SagaProps, SagaStep } from './props.js';
export {
  COMPENSATION_FAILED_ERROR,
  LAMBDA_SERVICE_ERRORS,
  LAMBDA_TIMEOUT_ERRORS,
  TRANSIENT_LAMBDA_ERRORS,
} from './runtime/contract.js';
export { Saga, type SagaMetricName, type StartOnOptions } from './saga.js';
