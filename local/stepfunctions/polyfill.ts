/**
 * aws-local-stepfunctions 3 targets Node 22 and calls `Promise.withResolvers` in every Task state. On Node 20 that
 * throws a TypeError inside the state, which a `States.ALL` Catch then swallows: a saga would compensate for no
 * reason. Import this module before the library (engine.ts does).
 */
type WithResolvers = <T>() => {
  promise: Promise<T>;
  resolve: (value: T | PromiseLike<T>) => void;
  reject: (reason?: unknown) => void;
};

const promiseCtor = Promise as unknown as { withResolvers?: WithResolvers };

if (typeof promiseCtor.withResolvers !== 'function') {
  const withResolvers: WithResolvers = <T>() => {
    let resolve!: (value: T | PromiseLike<T>) => void;
    let reject!: (reason?: unknown) => void;
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
  Object.defineProperty(Promise, 'withResolvers', {
    value: withResolvers,
    writable: true,
    configurable: true,
  });
}

export {};
