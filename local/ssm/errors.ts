import { AwsError } from '../core/aws-service.js';

/** SSM's errors by AWS's names (the `__type` of the JSON protocol, the SDK's error classes). */
export const parameterNotFound = (name: string) =>
  new AwsError('ParameterNotFound', `Parameter ${name} not found.`);
export const parameterVersionNotFound = (name: string, version: number) =>
  new AwsError(
    'ParameterVersionNotFound',
    `Systems Manager could not find version ${version} of ${name}. Verify the version and try again.`,
  );
export const parameterAlreadyExists = () =>
  new AwsError(
    'ParameterAlreadyExists',
    'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.',
  );
export const validation = (message: string) => new AwsError('ValidationException', message);
export const hierarchyTooDeep = () =>
  new AwsError(
    'HierarchyLevelLimitExceededException',
    'A hierarchy can have a maximum of 15 levels. For more information, see Requirements and constraints for parameter names.',
  );
export const patternMismatch = (pattern: string) =>
  new AwsError(
    'ParameterPatternMismatchException',
    `Parameter value failed to satisfy constraint: ${pattern}`,
  );
export const unsupportedType = (type: string) =>
  new AwsError(
    'UnsupportedParameterType',
    `The local SSM stores String and StringList parameters; ${type} is not supported locally (it has no KMS).`,
  );
export const invalidNextToken = () => new AwsError('InvalidNextToken', 'The specified token is not valid.');
export const unknownOperation = (operation: string) =>
  new AwsError('UnknownOperationException', `The local SSM does not implement ${operation}.`);
