import { describe, it } from 'vitest';
import {
  type ProductCommand,
  type ProductFact,
  productDecider,
  productRules,
} from '../../functions/inventory/domain/index.js';
import { BusinessRuleError } from '../../functions/kernel/domain/errors.js';
import { MAX_STOCK } from '../../functions/kernel/domain/limits.js';
import { spec } from '../helpers/decider.js';

/** Product.available is a GraphQL Int: a restock never takes a product's stock past it. */
const metadata = {
  commandId: 'cmd-1',
  issuedAt: '2026-12-04T12:00:00.000Z',
  actor: { type: 'user', id: 'a' },
} as const;
const added: ProductFact = {
  type: 'ProductAdded',
  data: { sku: 'SKU-BOLT', name: 'Bolt', price: 1, currency: 'USD', initialStock: 0 },
};
const restocked = (quantity: number, available: number): ProductFact => ({
  type: 'StockRestocked',
  data: { sku: 'SKU-BOLT', quantity, available },
});
const restock = (quantity: number): ProductCommand => ({
  type: 'Restock',
  data: { sku: 'SKU-BOLT', quantity },
  metadata,
});

describe('Restock stays within what GraphQL shows', () => {
  it('given a stock 5 below the limit, when 6 units arrive, then the restock is refused', () => {
    spec(productDecider)
      .given([added, restocked(MAX_STOCK - 5, MAX_STOCK - 5)])
      .when(restock(6))
      .thenThrows(BusinessRuleError, productRules.stockWithinLimit);
  });

  it('given a stock 5 below the limit, when 5 units arrive, then the stock reaches the limit', () => {
    spec(productDecider)
      .given([added, restocked(MAX_STOCK - 5, MAX_STOCK - 5)])
      .when(restock(5))
      .thenEmits([restocked(5, MAX_STOCK)]);
  });
});
