/**
 * Facts that never change, kept by an execution environment so a warm one does not read them again: an
 * order's customer, for instance, fixed when the order is placed. Bounded (the oldest entry goes first) so a
 * long-lived environment's memory stays flat. Only for what cannot change: a cached value is never re-read.
 * Hand-written: a Map in insertion order is the whole of it, less than a dependency would weigh.
 */
export interface Remembered<K, V> {
  /** The value known for `key`, or what `read` finds (remembered when it finds one: undefined is not). */
  get(key: K, read: (key: K) => Promise<V | undefined>): Promise<V | undefined>;
  readonly size: number;
}

export function remembered<K, V>(capacity = 10_000): Remembered<K, V> {
  const values = new Map<K, V>();
  return {
    async get(key, read) {
      if (values.has(key)) return values.get(key);
      const value = await read(key);
      if (value !== undefined) {
        values.set(key, value);
        if (values.size > capacity) values.delete(values.keys().next().value as K);
      }
      return value;
    },
    get size() {
      return values.size;
    },
  };
}
