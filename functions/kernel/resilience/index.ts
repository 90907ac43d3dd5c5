/** The resilience kernel: circuit breakers with state shared through DynamoDB. */
export {
  type BreakerObserver,
  CircuitBreaker,
  type CircuitBreakerOptions,
  type CircuitTransition,
} from './breaker.js';
export { circuitBreakerFromEnvironment, circuitStoreFromEnvironment } from './environment.js';
export { CircuitOpenError, CircuitStateError } from './errors.js';
export { BREAKER_METRICS, powertoolsObserver } from './observability.js';
export {
  BREAKER_KNOB_NAMES,
  BREAKER_KNOBS,
  type BreakerKnob,
  type BreakerSettings,
  breakerEnvironment,
  breakerSettingsFromEnvironment,
  breakerVariable,
  CIRCUIT_BREAKER_ENABLED_ENV,
  CIRCUIT_BREAKER_TABLE_ENV,
  CIRCUIT_NAMES,
  type CircuitName,
  DEFAULT_BREAKER_SETTINGS,
  knobAllowed,
  knobSchema,
} from './settings.js';
export {
  CIRCUIT_STATES,
  type CircuitRecord,
  type CircuitState,
  type CircuitStateStore,
  circuitRecordSchema,
  dynamoCircuitStore,
} from './store.js';
export { type CircuitView, listCircuits, viewOf } from './views.js';
