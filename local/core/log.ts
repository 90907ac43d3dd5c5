/** Where the local cloud's progress lines and the functions' console output go. Tests pass a quiet sink. */
export interface LocalLogger {
  info(line: string): void;
  warn(line: string): void;
  /** A line of a function's (or another process's) own output, already prefixed by its source. */
  output(source: string, line: string): void;
}

/**
 * Functions' output, batched: one write per turn of the event loop instead of one per line. Writes to a file
 * or a pipe are synchronous in Node, and a busy platform prints thousands of lines: measured under load, the
 * per-line writes were a third of the cloud's main-thread CPU. Nothing is dropped; what is pending at exit is
 * written then. The cloud's own lines flush what is pending first, so the order on screen stays true.
 */
let pending: string[] = [];
let flushScheduled = false;

function flushOutput(): void {
  flushScheduled = false;
  if (pending.length === 0) return;
  const text = pending.join('');
  pending = [];
  process.stdout.write(text);
}

process.on('exit', flushOutput);

export const consoleLogger: LocalLogger = {
  info: (line) => {
    flushOutput();
    console.log(line);
  },
  warn: (line) => {
    flushOutput();
    console.warn(line);
  },
  output: (source, line) => {
    pending.push(`[${source}] ${line}\n`);
    if (!flushScheduled) {
      flushScheduled = true;
      setImmediate(flushOutput);
    }
  },
};

/** Keeps warnings (they matter in a failing test) and drops the rest. */
export const quietLogger: LocalLogger = {
  info: () => {},
  warn: (line) => console.warn(line),
  output: () => {},
};
