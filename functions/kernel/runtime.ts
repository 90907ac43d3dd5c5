import { randomBytes, randomUUID } from 'node:crypto';
import type { Clock, IdGenerator } from './events/metadata.js';
import { traceIdAt } from './events/trace-context.js';

/**
 * The real clock and id source, for adapters (handlers, scripts) only. Domain code receives time and ids
 * through command metadata so it stays pure and its tests exact.
 */
export const systemClock: Clock = () => new Date();

export const randomIds: IdGenerator = {
  uuid: () => randomUUID(),
  spanId: () => nonZeroHex(8),
  traceId: (at) => traceIdAt(at, randomBytes(12).toString('hex')),
};

function nonZeroHex(bytes: number): string {
  for (;;) {
    const hex = randomBytes(bytes).toString('hex');
    if (!/^0+$/.test(hex)) return hex;
  }
}
