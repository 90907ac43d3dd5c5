import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../functions/kernel/domain/errors.js';
import { aggregateOf, parseCommand } from '../../functions/shipping/domain/index.js';

const metadata = {
  commandId: 'cmd-1',
  issuedAt: '2025-03-01T12:00:00.000Z',
  actor: { type: 'service', id: 'saga' },
};
const createShipment = (data: Record<string, unknown> = {}) => ({
  type: 'CreateShipment',
  data: {
    shipmentId: 'ship-1',
    orderId: 'order-1',
    items: [{ sku: 'SKU-MUG', quantity: 1 }],
    shippingAddress: { line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' },
    ...data,
  },
  metadata,
});

function issuePaths(input: unknown): string[] {
  try {
    parseCommand(input);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return ((error as ValidationError).details.issues as { path: PropertyKey[] }[]).map((i) =>
      i.path.join('.'),
    );
  }
  throw new Error('expected a ValidationError');
}

describe('shipping parseCommand', () => {
  it('accepts commands of both aggregates and says which stream they go to', () => {
    const shipment = parseCommand(createShipment());
    expect(shipment).toEqual(createShipment());
    expect(aggregateOf(shipment)).toBe('shipment');
    const mission = parseCommand({
      type: 'AssignTask',
      data: { missionId: 'm-1', taskId: 'PICK-1', agentId: 'agent-1', shipmentCancelled: false },
      metadata,
    });
    expect(aggregateOf(mission)).toBe('mission');
  });

  it.each([
    [
      'a lower-case country code',
      { shippingAddress: { line1: 'x', city: 'y', postalCode: 'z', country: 'us' } },
      'data.shippingAddress.country',
    ],
    [
      'a three-letter country code',
      { shippingAddress: { line1: 'x', city: 'y', postalCode: 'z', country: 'USA' } },
      'data.shippingAddress.country',
    ],
    ['no items', { items: [] }, 'data.items'],
    ['quantity 0', { items: [{ sku: 'SKU-MUG', quantity: 0 }] }, 'data.items.0.quantity'],
    ['an empty carrier', { carrier: '' }, 'data.carrier'],
  ])('refuses a CreateShipment with %s', (_name, data, path) => {
    expect(issuePaths(createShipment(data))).toContain(path);
  });

  it('refuses a negative task duration and a missing shipmentCancelled', () => {
    expect(
      issuePaths({
        type: 'CompleteTask',
        data: { missionId: 'm', taskId: 't', agentId: 'a', durationSeconds: -1, shipmentCancelled: false },
        metadata,
      }),
    ).toEqual(['data.durationSeconds']);
    expect(
      issuePaths({ type: 'AssignTask', data: { missionId: 'm', taskId: 't', agentId: 'a' }, metadata }),
    ).toEqual(['data.shipmentCancelled']);
  });

  it('refuses a delivery time that is not ISO 8601', () => {
    expect(
      issuePaths({ type: 'DeliverShipment', data: { shipmentId: 's', deliveredAt: '3 March' }, metadata }),
    ).toEqual(['data.deliveredAt']);
  });
});
