import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../functions/kernel/domain/errors.js';
import type { DomainEvent } from '../../functions/kernel/events/catalogue.js';
import type { EventMetadata } from '../../functions/kernel/events/metadata.js';
import { commandHandler } from '../../functions/kernel/service/command-handler.js';
import type { EventStore } from '../../functions/kernel/store/index.js';
import { fakeLambdaContext, orderPlacedV2 } from '../helpers/events.js';

/** A handler whose `execute` records what it was given instead of touching a store. */
function recordingHandler() {
  const seen: { command?: unknown; metadata?: EventMetadata } = {};
  const handler = commandHandler({
    service: 'payments',
    parseCommand: (input) => {
      seen.command = input;
      return input;
    },
    execute: async (_command, context) => {
      seen.metadata = context.metadata();
      const event = { eventId: 'evt-9', type: 'PaymentCharged', streamId: 'payment#o-1', streamVersion: 1 };
      return { events: [event as unknown as DomainEvent], result: { ok: true } };
    },
    store: () => ({}) as EventStore,
  });
  return { handler, seen };
}

describe('commandHandler', () => {
  it('adds the command metadata the domain must not make up: command id, time, caller', async () => {
    const { handler, seen } = recordingHandler();
    const outcome = await handler(
      { command: { type: 'ChargePayment', data: { orderId: 'o-1' } }, actor: { type: 'user', id: 'u-1' } },
      fakeLambdaContext({ awsRequestId: 'req-42' }),
    );
    expect(seen.command).toMatchObject({
      type: 'ChargePayment',
      data: { orderId: 'o-1' },
      metadata: { commandId: 'req-42', actor: { type: 'user', id: 'u-1' } },
    });
    expect((seen.command as { metadata: { issuedAt: string } }).metadata.issuedAt).toMatch(
      /^\d{4}-\d\d-\d\dT/,
    );
    expect(outcome).toEqual({
      events: [{ eventId: 'evt-9', type: 'PaymentCharged', streamId: 'payment#o-1', streamVersion: 1 }],
      result: { ok: true },
    });
  });

  it('continues the transaction of the event a caller acts for', async () => {
    const { handler, seen } = recordingHandler();
    const order = orderPlacedV2({ eventId: 'evt-order', correlationId: 'corr-order' });
    await handler(
      { command: { type: 'ChargePayment', data: {} }, envelope: order, commandId: 'saga-step-1' },
      fakeLambdaContext(),
    );
    expect(seen.metadata).toMatchObject({ correlationId: 'corr-order', causationId: 'evt-order' });
    expect(seen.metadata?.traceparent.slice(3, 35)).toBe(order.traceparent.slice(3, 35));
    expect(seen.command).toMatchObject({ metadata: { commandId: 'saga-step-1' } });
  });

  it('refuses an invocation that is not a command, before anything runs', async () => {
    const { handler, seen } = recordingHandler();
    await expect(handler({ type: 'ChargePayment' }, fakeLambdaContext())).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(
      handler({ command: { type: 'ChargePayment' }, extra: true }, fakeLambdaContext()),
    ).rejects.toBeInstanceOf(ValidationError);
    expect(seen.command).toBeUndefined();
  });
});
