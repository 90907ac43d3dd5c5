/** An error in AppSync's shape; `errorType` reaches the client. */
export class AppSyncError extends Error {
  constructor(
    readonly errorType: string,
    message: string,
  ) {
    super(message);
  }
}
