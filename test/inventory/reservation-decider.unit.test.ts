import { describe, expect, it } from 'vitest';
import {
  isLedgerCopy,
  type ProductFact,
  productDecider,
  productLedger,
  type ReservationCommand,
  type ReservationFact,
  reservationDecider,
  reservationStreamId,
  type StockLevel,
  stockLevelOf,
} from '../../functions/inventory/domain/index.js';
import { fold } from '../../functions/kernel/domain/decider.js';
import { BusinessRuleError } from '../../functions/kernel/domain/errors.js';
import { latestEntry } from '../../functions/kernel/events/catalogue.js';
import { spec } from '../helpers/decider.js';

const metadata = {
  commandId: 'cmd-1',
  issuedAt: '2025-03-01T12:00:00.000Z',
  actor: { type: 'service', id: 'order-fulfillment-saga' },
} as const;

type Line = { sku: string; quantity: number };
const mug = (quantity: number): Line => ({ sku: 'SKU-RED-MUG', quantity });
const tea = (quantity: number): Line => ({ sku: 'SKU-TEA', quantity });

const reserve = (items: Line[], stock: StockLevel[]): ReservationCommand => ({
  type: 'ReserveStock',
  data: { reservationId: 'res-1', orderId: 'order-1', items, stock },
  metadata,
});
const release: ReservationCommand = {
  type: 'ReleaseStock',
  data: { orderId: 'order-1', reason: 'payment declined' },
  metadata,
};
const plenty: StockLevel[] = [
  { sku: 'SKU-RED-MUG', available: 10 },
  { sku: 'SKU-TEA', available: 3 },
];

const reservedFact = (items: Line[]): ReservationFact => ({
  type: 'StockReserved',
  data: { reservationId: 'res-1', orderId: 'order-1', items },
});
const releasedFact = (items: Line[]): ReservationFact => ({
  type: 'StockReleased',
  data: { reservationId: 'res-1', orderId: 'order-1', items, reason: 'payment declined' },
});
const failedFact: ReservationFact = {
  type: 'StockReservationFailed',
  data: {
    orderId: 'order-1',
    reason: 'OUT_OF_STOCK',
    unavailable: [{ sku: 'SKU-TEA', requested: 5, available: 3 }],
  },
};

const given = (facts: ReservationFact[]) => spec(reservationDecider).given(facts);

describe('reservation decider', () => {
  describe('ReserveStock', () => {
    it('reserves every line when every SKU has the units', () => {
      given([])
        .when(reserve([mug(2), tea(3)], plenty))
        .thenEmits([reservedFact([mug(2), tea(3)])]);
    });

    it('merges lines of the same SKU before checking', () => {
      given([])
        .when(reserve([mug(2), tea(1), mug(3)], plenty))
        .thenEmits([reservedFact([mug(5), tea(1)])]);
    });

    it('reserves nothing when one line is short, and lists the lines short', () => {
      given([])
        .when(reserve([mug(2), tea(4)], plenty))
        .thenEmits([
          {
            type: 'StockReservationFailed',
            data: {
              orderId: 'order-1',
              reason: 'OUT_OF_STOCK',
              unavailable: [{ sku: 'SKU-TEA', requested: 4, available: 3 }],
            },
          },
        ]);
    });

    it('counts merged lines against the stock (never below zero)', () => {
      given([])
        .when(reserve([tea(2), tea(2)], plenty))
        .thenEmits([
          {
            type: 'StockReservationFailed',
            data: {
              orderId: 'order-1',
              reason: 'OUT_OF_STOCK',
              unavailable: [{ sku: 'SKU-TEA', requested: 4, available: 3 }],
            },
          },
        ]);
    });

    it('fails on a SKU with nothing available', () => {
      given([])
        .when(reserve([mug(1)], [{ sku: 'SKU-RED-MUG', available: 0 }]))
        .thenEmits([
          {
            type: 'StockReservationFailed',
            data: {
              orderId: 'order-1',
              reason: 'OUT_OF_STOCK',
              unavailable: [{ sku: 'SKU-RED-MUG', requested: 1, available: 0 }],
            },
          },
        ]);
    });

    it('reports an unknown SKU first, with the other lines short', () => {
      given([])
        .when(reserve([mug(20), { sku: 'SKU-GONE', quantity: 1 }], plenty))
        .thenEmits([
          {
            type: 'StockReservationFailed',
            data: {
              orderId: 'order-1',
              reason: 'UNKNOWN_SKU',
              unavailable: [
                { sku: 'SKU-GONE', requested: 1, available: 0 },
                { sku: 'SKU-RED-MUG', requested: 20, available: 10 },
              ],
            },
          },
        ]);
    });

    it('takes exactly what is available', () => {
      given([])
        .when(reserve([tea(3)], plenty))
        .thenEmits([reservedFact([tea(3)])]);
    });

    it('emits nothing when the order is reserved again (idempotent)', () => {
      given([reservedFact([mug(2), tea(3)])])
        .when(reserve([tea(3), mug(2)], []))
        .thenEmits([]);
    });

    it('emits nothing when a failed order is reserved again, even if stock arrived', () => {
      given([failedFact])
        .when(reserve([tea(5)], [{ sku: 'SKU-TEA', available: 50 }]))
        .thenEmits([]);
    });

    it('emits nothing when a released order is reserved again', () => {
      given([reservedFact([mug(2)]), releasedFact([mug(2)])])
        .when(reserve([mug(2)], plenty))
        .thenEmits([]);
    });

    it('refuses other lines for an order already reserved', () => {
      given([reservedFact([mug(2)])])
        .when(reserve([mug(3)], plenty))
        .thenThrows(BusinessRuleError, 'order-reserved-once');
    });

    it('refuses other lines for an order already released', () => {
      given([reservedFact([mug(2)]), releasedFact([mug(2)])])
        .when(reserve([tea(1)], plenty))
        .thenThrows(BusinessRuleError, 'order-reserved-once');
    });
  });

  describe('ReleaseStock', () => {
    it('releases everything the order reserved', () => {
      given([reservedFact([mug(2), tea(3)])])
        .when(release)
        .thenEmits([releasedFact([mug(2), tea(3)])]);
    });

    it('emits nothing the second time (safe to retry)', () => {
      given([reservedFact([mug(2)]), releasedFact([mug(2)])])
        .when(release)
        .thenEmits([]);
    });

    it('emits nothing for an order that never reserved', () => {
      given([]).when(release).thenEmits([]);
    });

    it('emits nothing for a failed reservation', () => {
      given([failedFact]).when(release).thenEmits([]);
    });
  });

  it('names the stream after the order', () => {
    expect(reservationStreamId('order-1')).toBe('reservation#order-1');
  });
});

describe('product ledger', () => {
  const added = (sku: string, initialStock: number): ProductFact => ({
    type: 'ProductAdded',
    data: { sku, name: sku, price: 100, currency: 'EUR', initialStock },
  });

  it('gives each SKU a copy holding its own line', () => {
    expect(productLedger([reservedFact([mug(2), tea(3)])])).toEqual([
      {
        sku: 'SKU-RED-MUG',
        facts: [
          { type: 'StockReserved', data: { reservationId: 'res-1', orderId: 'order-1', items: [mug(2)] } },
        ],
      },
      {
        sku: 'SKU-TEA',
        facts: [
          { type: 'StockReserved', data: { reservationId: 'res-1', orderId: 'order-1', items: [tea(3)] } },
        ],
      },
    ]);
  });

  it('copies a release with its reason', () => {
    expect(productLedger([releasedFact([tea(3)])])).toEqual([
      {
        sku: 'SKU-TEA',
        facts: [
          {
            type: 'StockReleased',
            data: { reservationId: 'res-1', orderId: 'order-1', items: [tea(3)], reason: 'payment declined' },
          },
        ],
      },
    ]);
  });

  it('has nothing for a failed reservation', () => {
    expect(productLedger([failedFact])).toEqual([]);
  });

  it('round trip: product folds give stock levels, the decision moves them, a second order sees the rest', () => {
    const products: Record<string, ProductFact[]> = {
      'SKU-RED-MUG': [added('SKU-RED-MUG', 10)],
      'SKU-TEA': [added('SKU-TEA', 3)],
    };
    const stock = () =>
      Object.values(products).flatMap((facts) => stockLevelOf(fold(productDecider, facts)) ?? []);
    const decideAndAppend = (orderId: string, items: Line[]) => {
      const facts = reservationDecider.decide(
        {
          type: 'ReserveStock',
          data: { reservationId: `res-${orderId}`, orderId, items, stock: stock() },
          metadata,
        },
        reservationDecider.initialState(),
      );
      for (const entry of productLedger(facts)) products[entry.sku]?.push(...entry.facts);
      return facts;
    };

    expect(decideAndAppend('order-1', [mug(4), tea(3)])[0]?.type).toBe('StockReserved');
    expect(stock()).toEqual([
      { sku: 'SKU-RED-MUG', available: 6 },
      { sku: 'SKU-TEA', available: 0 },
    ]);
    expect(decideAndAppend('order-2', [mug(1), tea(1)])).toEqual([
      {
        type: 'StockReservationFailed',
        data: {
          orderId: 'order-2',
          reason: 'OUT_OF_STOCK',
          unavailable: [{ sku: 'SKU-TEA', requested: 1, available: 0 }],
        },
      },
    ]);
    expect(fold(productDecider, products['SKU-TEA'] ?? [])).toMatchObject({ available: 0, reserved: 3 });
  });

  it('offers no stock level for a product that does not exist', () => {
    expect(stockLevelOf(productDecider.initialState())).toBeUndefined();
  });

  it("tells a product stream's ledger copies from the reservation's facts", () => {
    expect(isLedgerCopy('product#SKU-TEA', 'StockReserved')).toBe(true);
    expect(isLedgerCopy('product#SKU-TEA', 'StockReleased')).toBe(true);
    expect(isLedgerCopy('product#SKU-TEA', 'StockRestocked')).toBe(false);
    expect(isLedgerCopy('reservation#order-1', 'StockReserved')).toBe(false);
  });
});

it('inventory facts satisfy the event catalogue', () => {
  const facts = [
    reservedFact([mug(2), tea(3)]),
    releasedFact([mug(2)]),
    failedFact,
    ...productLedger([reservedFact([mug(2), tea(3)])]).flatMap((e) => e.facts),
    { type: 'StockRestocked', data: { sku: 'SKU-TEA', quantity: 1, available: 4 } },
  ] as const;
  for (const fact of facts) {
    expect(latestEntry(fact.type)?.dataSchema.safeParse(fact.data).error).toBeUndefined();
  }
});
