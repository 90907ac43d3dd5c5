import { describe, expect, it } from 'vitest';
import type { Fact } from '../../functions/kernel/domain/decider.js';
import { fold } from '../../functions/kernel/domain/decider.js';
import { BusinessRuleError, NotFoundError } from '../../functions/kernel/domain/errors.js';
import { latestEntry } from '../../functions/kernel/events/catalogue.js';
import {
  type CommandMetadata,
  createShipmentDecider,
  type ShipmentCommand,
  type ShipmentFact,
  shipmentDecider,
  shipmentRules,
} from '../../functions/shipping/domain/index.js';
import { spec } from '../helpers/decider.js';

const metadata: CommandMetadata = {
  commandId: 'cmd-1',
  issuedAt: '2025-03-01T12:00:00.000Z',
  actor: { type: 'service', id: 'order-fulfillment' },
};
const address = (country: string) => ({
  line1: '1 Main St',
  city: 'Springfield',
  postalCode: '12345',
  country,
});
const items = [{ sku: 'SKU-MUG', quantity: 2 }];

const create = (
  country = 'US',
  over: Partial<Extract<ShipmentCommand, { type: 'CreateShipment' }>['data']> = {},
) =>
  ({
    type: 'CreateShipment',
    data: { shipmentId: 'ship-1', orderId: 'order-1', items, shippingAddress: address(country), ...over },
    metadata,
  }) satisfies ShipmentCommand;
const cancel: ShipmentCommand = {
  type: 'CancelShipment',
  data: { shipmentId: 'ship-1', reason: 'payment declined' },
  metadata,
};
const dispatch = (trackingNumber = 'TRK-1', carrier?: string): ShipmentCommand => ({
  type: 'DispatchShipment',
  data: { shipmentId: 'ship-1', trackingNumber, ...(carrier ? { carrier } : {}) },
  metadata,
});
const deliver: ShipmentCommand = {
  type: 'DeliverShipment',
  data: { shipmentId: 'ship-1', deliveredAt: '2025-03-03T09:30:00.000Z' },
  metadata,
};

const created: Fact<'ShipmentCreated'> = {
  type: 'ShipmentCreated',
  data: {
    shipmentId: 'ship-1',
    orderId: 'order-1',
    items,
    shippingAddress: address('US'),
    carrier: 'SimPost',
  },
};
const failed: Fact<'ShipmentFailed'> = {
  type: 'ShipmentFailed',
  data: {
    orderId: 'order-1',
    reason: 'shipping to BR is not supported (supported: US, CA, GB, DE, FR, NL)',
    code: 'UNSUPPORTED_COUNTRY',
    country: 'BR',
  },
};
const cancelled: Fact<'ShipmentCancelled'> = {
  type: 'ShipmentCancelled',
  data: { shipmentId: 'ship-1', orderId: 'order-1', reason: 'payment declined' },
};
const dispatched: Fact<'ShipmentDispatched'> = {
  type: 'ShipmentDispatched',
  data: { shipmentId: 'ship-1', orderId: 'order-1', carrier: 'SimPost', trackingNumber: 'TRK-1' },
};
const delivered: Fact<'ShipmentDelivered'> = {
  type: 'ShipmentDelivered',
  data: { shipmentId: 'ship-1', orderId: 'order-1', deliveredAt: '2025-03-03T09:30:00.000Z' },
};

const given = (facts: ShipmentFact[]) => spec(shipmentDecider).given(facts);

describe('CreateShipment', () => {
  it.each(['US', 'CA', 'GB', 'DE', 'FR', 'NL'])(
    'creates a shipment to %s with the default carrier',
    (country) => {
      given([])
        .when(create(country))
        .thenEmits([{ ...created, data: { ...created.data, shippingAddress: address(country) } }]);
    },
  );

  it('keeps a carrier the command names', () => {
    given([])
      .when(create('US', { carrier: 'DHL' }))
      .thenEmits([{ ...created, data: { ...created.data, carrier: 'DHL' } }]);
  });

  it('fails the shipment (a fact, not an error) for a country outside the supported list', () => {
    given([]).when(create('BR')).thenEmits([failed]);
  });

  it('takes the supported countries and carrier from the configuration', () => {
    const decider = createShipmentDecider({ supportedCountries: ['BR'], defaultCarrier: 'Correios' });
    spec(decider)
      .given([])
      .when(create('BR'))
      .thenEmits([
        { ...created, data: { ...created.data, shippingAddress: address('BR'), carrier: 'Correios' } },
      ]);
    spec(decider)
      .given([])
      .when(create('US'))
      .thenEmits([
        {
          type: 'ShipmentFailed',
          data: {
            orderId: 'order-1',
            reason: 'shipping to US is not supported (supported: BR)',
            code: 'UNSUPPORTED_COUNTRY',
            country: 'US',
          },
        },
      ]);
  });

  it('emits nothing when retried after a creation or a failure (the handler answers from the state)', () => {
    given([created]).when(create()).thenEmits([]);
    given([failed]).when(create('BR')).thenEmits([]);
    expect(fold(shipmentDecider, [failed]).status).toBe('FAILED');
  });

  it('refuses to reuse a shipment id for another order', () => {
    given([created])
      .when(create('US', { orderId: 'order-2' }))
      .thenThrows(BusinessRuleError, shipmentRules.belongsToOrder);
  });

  it('emits facts the catalogue accepts', () => {
    for (const command of [create('US'), create('JP')]) {
      const [fact] = shipmentDecider.decide(command, shipmentDecider.initialState());
      expect(latestEntry(fact!.type)!.dataSchema.safeParse(fact!.data).success).toBe(true);
    }
  });
});

describe('CancelShipment', () => {
  it('cancels a created shipment', () => given([created]).when(cancel).thenEmits([cancelled]));
  it('is idempotent on a cancelled shipment', () => given([created, cancelled]).when(cancel).thenEmits([]));
  it('has nothing to compensate for a shipment never created or failed', () => {
    given([]).when(cancel).thenEmits([]);
    given([failed]).when(cancel).thenEmits([]);
  });
  it('refuses once dispatched or delivered', () => {
    given([created, dispatched])
      .when(cancel)
      .thenThrows(BusinessRuleError, shipmentRules.cancelOnlyBeforeDispatch);
    given([created, dispatched, delivered])
      .when(cancel)
      .thenThrows(BusinessRuleError, shipmentRules.cancelOnlyBeforeDispatch);
  });
});

describe('DispatchShipment', () => {
  it('dispatches a created shipment with its carrier and the tracking number', () =>
    given([created]).when(dispatch()).thenEmits([dispatched]));
  it('takes another carrier when named', () =>
    given([created])
      .when(dispatch('TRK-1', 'UPS'))
      .thenEmits([{ ...dispatched, data: { ...dispatched.data, carrier: 'UPS' } }]));
  it('is a no-op for the same tracking number', () =>
    given([created, dispatched]).when(dispatch()).thenEmits([]));
  it('refuses another tracking number once dispatched', () =>
    given([created, dispatched])
      .when(dispatch('TRK-2'))
      .thenThrows(BusinessRuleError, shipmentRules.dispatchOnlyCreated));
  it('refuses a cancelled or failed shipment', () => {
    given([created, cancelled])
      .when(dispatch())
      .thenThrows(BusinessRuleError, shipmentRules.dispatchOnlyCreated);
    given([failed]).when(dispatch()).thenThrows(BusinessRuleError, shipmentRules.dispatchOnlyCreated);
  });
  it('refuses an unknown shipment', () => given([]).when(dispatch()).thenThrows(NotFoundError, 'NOT_FOUND'));
});

describe('DeliverShipment', () => {
  it('delivers a dispatched shipment', () =>
    given([created, dispatched]).when(deliver).thenEmits([delivered]));
  it('is a no-op when delivered', () => given([created, dispatched, delivered]).when(deliver).thenEmits([]));
  it('refuses a shipment not dispatched', () => {
    given([created]).when(deliver).thenThrows(BusinessRuleError, shipmentRules.deliverOnlyDispatched);
    given([created, cancelled])
      .when(deliver)
      .thenThrows(BusinessRuleError, shipmentRules.deliverOnlyDispatched);
  });
  it('refuses an unknown shipment', () => given([]).when(deliver).thenThrows(NotFoundError, 'NOT_FOUND'));
});

describe('evolve', () => {
  it('remembers the tracking number through delivery', () => {
    expect(fold(shipmentDecider, [created, dispatched, delivered])).toEqual({
      status: 'DELIVERED',
      ...created.data,
      trackingNumber: 'TRK-1',
      deliveredAt: '2025-03-03T09:30:00.000Z',
    });
  });
});
