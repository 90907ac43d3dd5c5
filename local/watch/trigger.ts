/**
 * Calls `onChange` when the app's sources change: `fs.watch` (recursive, which Node 20 supports on Linux as on
 * macOS and Windows) on each source folder, debounced (an editor's save, a formatter, a `git checkout` are
 * many events: one call after they stop), one call at a time (changes made while one runs make one more call
 * after it, with every file they touched). Hand-written rather than chokidar: the standard library covers
 * it on every platform Node 20 runs on, and the project has no watcher dependency.
 */
import { existsSync, type FSWatcher, watch } from 'node:fs';
import path from 'node:path';
import { WatchError } from './errors.js';

/** The folders `cdk synth` reads the app from. */
export const WATCHED_FOLDERS = ['bin', 'lib', 'functions', 'statemachines'] as const;

export interface SourceTriggerOptions {
  readonly root: string;
  /** @default WATCHED_FOLDERS */
  readonly folders?: readonly string[];
  /** Quiet time after the last event before `onChange` runs. @default 300 */
  readonly debounceMs?: number;
  /** The changed files, relative to `root`, sorted. */
  readonly onChange: (files: readonly string[]) => Promise<void> | void;
  /** Where `onChange` failures go. @default console.error */
  readonly onError?: (error: unknown) => void;
}

export interface SourceTrigger {
  /** The folders watched (relative to the root): the ones that exist. */
  readonly folders: readonly string[];
  /** Resolves when no call runs or waits. */
  idle(): Promise<void>;
  close(): void;
}

export function watchSources(options: SourceTriggerOptions): SourceTrigger {
  const debounceMs = options.debounceMs ?? 300;
  const folders = (options.folders ?? WATCHED_FOLDERS).filter((folder) =>
    existsSync(path.join(options.root, folder)),
  );
  let pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let closed = false;

  const run = () => {
    timer = undefined;
    if (running || closed || pending.size === 0) return;
    const files = [...pending].sort();
    pending = new Set();
    running = (async () => {
      try {
        await options.onChange(files);
      } catch (error) {
        (options.onError ?? console.error)(error);
      } finally {
        running = undefined;
        // What changed meanwhile makes one more call, after its own quiet time.
        if (pending.size > 0 && !closed) timer = setTimeout(run, debounceMs);
      }
    })();
  };

  const watchers: FSWatcher[] = folders.map((folder) => {
    try {
      return watch(path.join(options.root, folder), { recursive: true }, (_event, name) => {
        const file = name ? path.join(folder, name.toString()) : folder;
        if (ignored(file)) return;
        pending.add(file);
        if (running) return;
        clearTimeout(timer);
        timer = setTimeout(run, debounceMs);
      });
    } catch (cause) {
      throw new WatchError('WATCH_FAILED', `cannot watch ${folder}: ${String(cause)}`, { cause });
    }
  });

  return {
    folders,
    async idle() {
      while (timer || running) {
        await (running ?? new Promise((resolve) => setTimeout(resolve, debounceMs)));
      }
    },
    close() {
      closed = true;
      clearTimeout(timer);
      timer = undefined;
      for (const watcher of watchers) watcher.close();
    },
  };
}

/** Not source: dependencies, dot folders and files (.git, editor swap files), editors' backup files. */
export function ignored(file: string): boolean {
  return file
    .split(path.sep)
    .some(
      (part) => part === 'node_modules' || part.startsWith('.') || part.endsWith('~') || part === 'cdk.out',
    );
}
