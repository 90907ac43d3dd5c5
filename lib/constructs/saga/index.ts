export { SAGA_EVENT_SOURCE } from './definition.js';
export type { SagaCompensation, SagaPayload, SagaProps, SagaStep } from './props.js';
export { Saga, type SagaMetricName, type StartOnOptions } from './saga.js';
