/**
 * Watch mode's own failures. `code` is stable: tests and the command line match on it, never on the message.
 */
export type WatchErrorCode =
  /** A CodeDeploy deployment configuration the local deployer does not know (name or routing type). */
  | 'DEPLOYMENT_CONFIG_UNKNOWN'
  /** `LOCAL_DEPLOY_TIME_SCALE` or another watch setting is not valid. */
  | 'WATCH_SETTING_INVALID'
  /** A folder to watch is missing or cannot be watched. */
  | 'WATCH_FAILED';

export class WatchError extends Error {
  override readonly name = 'WatchError';
  constructor(
    readonly code: WatchErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
