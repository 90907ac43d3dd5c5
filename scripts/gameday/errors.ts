/** The game day's one base error: a stable `code`, the cause kept. The CLI prints `code: message` and exits 2. */
export class GameDayError extends Error {
  override readonly name: string = 'GameDayError';
  constructor(
    readonly code: 'USAGE' | 'NO_CLOUD' | 'NO_TEMPLATE' | 'EXPERIMENT' | 'COLLECT',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Bad command-line input: the CLI prints it with the usage. */
export class GameDayUsageError extends GameDayError {
  override readonly name = 'GameDayUsageError';
  constructor(message: string) {
    super('USAGE', message);
  }
}
