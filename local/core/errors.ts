/**
 * The local cloud's own failures (start-up, assembly, processes), as opposed to `AwsError`, which is an
 * answer to a client. `code` is stable: scripts and tests match on it, never on the message.
 */
export type LocalCloudErrorCode =
  | 'ASSEMBLY_NOT_FOUND'
  | 'ASSEMBLY_INVALID'
  | 'INTRINSIC_UNRESOLVED'
  | 'JAVA_MISSING'
  | 'DYNAMODB_LOCAL_FAILED'
  | 'SYNTH_FAILED'
  | 'PORT_IN_USE'
  /** A policy the local IAM cannot evaluate: malformed, or an operator it does not know. */
  | 'IAM_POLICY_INVALID';

export class LocalCloudError extends Error {
  override readonly name = 'LocalCloudError';
  constructor(
    readonly code: LocalCloudErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
