export { COMPENSATION_RETRY_DEFAULTS, SAGA_EVENT_SOURCE, TRANSIENT_RETRY_DEFAULTS } from './definition.js';
export type { SagaCompensation, SagaPayload, SagaProps, SagaStep } from './props.js';
export { Saga, type SagaMetricName, type StartOnOptions } from './saga.js';
