// The Saga construct lives in ./saga/ (definition compiler, props, construct); import it from here.

export { COMPENSATION_FAILED_ERROR, TRANSIENT_LAMBDA_ERRORS } from '../../functions/saga/contract.js';
export * from './saga/index.js';
