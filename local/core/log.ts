/** Where the local cloud's progress lines and the functions' console output go. Tests pass a quiet sink. */
export interface LocalLogger {
  info(line: string): void;
  warn(line: string): void;
  /** A line of a function's (or another process's) own output, already prefixed by its source. */
  output(source: string, line: string): void;
}

export const consoleLogger: LocalLogger = {
  info: (line) => console.log(line),
  warn: (line) => console.warn(line),
  output: (source, line) => process.stdout.write(`[${source}] ${line}\n`),
};

/** Keeps warnings (they matter in a failing test) and drops the rest. */
export const quietLogger: LocalLogger = {
  info: () => {},
  warn: (line) => console.warn(line),
  output: () => {},
};
