// The Saga construct lives in ./saga/ (definition compiler, props, construct); import it from here.

export {
  COMPENSATION_FAILED_ERROR,
  LAMBDA_SERVICE_ERRORS,
  LAMBDA_TIMEOUT_ERRORS,
  TRANSIENT_LAMBDA_ERRORS,
} from '../../functions/saga/contract.js';
export * from './saga/index.js';
