import { assertNever, type Fact } from '../../../kernel/domain/decider.js';
import { BusinessRuleError, NotFoundError } from '../../../kernel/domain/errors.js';
import { MAX_STOCK } from '../../../kernel/domain/limits.js';
import type { AddProduct, ProductCommand, Restock } from './commands.js';
import type { ProductState } from './state.js';

export const productRules = { stockWithinLimit: 'stock-within-limit' } as const;

/**
 * Rules: a SKU is added once; only a listed product is restocked, and a restock adds units to what is
 * available. Reservations are not decided here but by the order's reservation (they span several SKUs).
 */
export function decide(
  command: ProductCommand,
  state: ProductState,
): Fact<'ProductAdded' | 'StockRestocked'>[] {
  switch (command.type) {
    case 'AddProduct':
      return add(command, state);
    case 'Restock':
      return restock(command, state);
    default:
      return assertNever(command);
  }
}

function add(command: AddProduct, state: ProductState): Fact<'ProductAdded'>[] {
  if (state.status !== 'NONE') {
    throw new BusinessRuleError('sku-is-unique', `product ${command.data.sku} already exists`, {
      sku: command.data.sku,
    });
  }
  return [{ type: 'ProductAdded', data: command.data }];
}

function restock(command: Restock, state: ProductState): Fact<'StockRestocked'>[] {
  const { sku, quantity } = command.data;
  if (state.status === 'NONE') throw new NotFoundError(`product ${sku} does not exist`, { sku });
  if (state.available + quantity > MAX_STOCK) {
    // Product.available is a GraphQL Int: a stock above it would make every catalogue query fail.
    throw new BusinessRuleError(
      productRules.stockWithinLimit,
      `${sku} would hold more than ${MAX_STOCK} units`,
      {
        sku,
        available: state.available,
        quantity,
      },
    );
  }
  return [{ type: 'StockRestocked', data: { sku, quantity, available: state.available + quantity } }];
}
