import { AwsError } from '../core/aws-service.js';

/**
 * CloudWatch's errors: `code` is the JSON protocol's shape name (the SDK's error class), `queryCompatibleCode`
 * the query protocol's code (the CLI's), as CloudWatch sends both (`awsQueryCompatible`).
 */
export class CloudWatchError extends AwsError {
  constructor(
    code: string,
    readonly queryCompatibleCode: string,
    message: string,
    statusCode = 400,
  ) {
    super(code, message, statusCode);
  }
}

export const invalidParameterValue = (message: string) =>
  new CloudWatchError('InvalidParameterValueException', 'InvalidParameterValue', message);
export const invalidParameterCombination = (message: string) =>
  new CloudWatchError('InvalidParameterCombinationException', 'InvalidParameterCombination', message);
export const missingParameter = (name: string) =>
  new CloudWatchError(
    'MissingRequiredParameterException',
    'MissingParameter',
    `The parameter ${name} is required.`,
  );
export const alarmNotFound = (name: string) =>
  new CloudWatchError('ResourceNotFound', 'ResourceNotFound', `Alarm ${name} not found`, 404);
export const invalidFormat = (message: string) =>
  new CloudWatchError('InvalidFormatFault', 'InvalidFormat', message);
export const invalidNextToken = () =>
  new CloudWatchError('InvalidNextToken', 'InvalidNextToken', 'The next token is invalid.');
export const unknownOperation = (operation: string) =>
  new CloudWatchError(
    'UnknownOperationException',
    'InvalidAction',
    `The local CloudWatch does not implement ${operation}.`,
  );
