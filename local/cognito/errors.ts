import { AwsError } from '../core/aws-service.js';

/** Cognito's errors: `code` is the `__type` Cognito returns (e.g. `NotAuthorizedException`). */
export class CognitoError extends AwsError {
  constructor(code: string, message: string, statusCode = 400) {
    super(code, message, statusCode);
  }
}

/** The one answer to a wrong user name or password: Cognito does not say which (no user enumeration). */
export const notAuthorized = () =>
  new CognitoError('NotAuthorizedException', 'Incorrect username or password.');
