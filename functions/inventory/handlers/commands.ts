import { createHash } from 'node:crypto';
import { parseWith } from '../../kernel/domain/commands.js';
import { assertNever } from '../../kernel/domain/decider.js';
import { id } from '../../kernel/events/primitives.js';
import { type CommandContext, commandHandler } from '../../kernel/service/command-handler.js';
import type { GuardClaim } from '../../kernel/store/index.js';
import { GuardConflictError, handleCommand } from '../../kernel/store/index.js';
import * as z from '../../kernel/zod.js';
import {
  AddProduct,
  type ProductState,
  productDecider,
  productStreamId,
  ReleaseStock,
  ReserveStock,
  Restock,
} from '../domain/index.js';
import { handleReservation, productSnapshots, type ReservationResult } from './reservations.js';

/**
 * What callers send (`{ command: { type, data } }`): the domain's commands, except that ReserveStock carries
 * no stock levels (the handler reads them from the product streams) and may leave out the reservation id
 * (the order id names the order's one reservation).
 */
const ReserveStockRequest = z.extend(ReserveStock, {
  data: z.strictObject({
    ...z.omit(ReserveStock.shape.data, { stock: true, reservationId: true }).shape,
    reservationId: z.optional(id),
  }),
});

export const inventoryRequestSchema = z.discriminatedUnion('type', [
  AddProduct,
  Restock,
  ReserveStockRequest,
  ReleaseStock,
]);
export type InventoryRequest = z.infer<typeof inventoryRequestSchema>;

export function parseRequest(input: unknown): InventoryRequest {
  return parseWith(inventoryRequestSchema, input, 'inventory');
}

/** The product's public fields after AddProduct / Restock. */
export type ProductResult = Omit<Extract<ProductState, { status: 'LISTED' }>, 'status'>;

export type InventoryResult = { readonly product: ProductResult } | ReservationResult;

export async function execute(
  command: InventoryRequest,
  context: Pick<CommandContext, 'store' | 'metadata'>,
) {
  const { store, metadata } = context;
  switch (command.type) {
    case 'AddProduct':
    case 'Restock': {
      try {
        const { events, state } = await handleCommand({
          store,
          decider: productDecider,
          streamId: productStreamId(command.data.sku),
          command,
          metadata,
          snapshots: productSnapshots,
          guards: () => (command.type === 'Restock' ? [restockClaim(command)] : []),
        });
        return { events, result: { product: listed(command, state) } satisfies InventoryResult };
      } catch (error) {
        if (!(error instanceof GuardConflictError && error.rule === RESTOCK_ONCE_RULE)) throw error;
        // The same Restock again (a retried invoke, a resolver's retry with the same idempotency key): it was
        // applied once already, so answer the product as it stands instead of adding the units twice.
        const current = await store.rehydrate(
          productStreamId(command.data.sku),
          productDecider,
          productSnapshots,
        );
        return { events: [], result: { product: listed(command, current.state) } satisfies InventoryResult };
      }
    }
    case 'ReserveStock':
    case 'ReleaseStock':
      return handleReservation(store, command, metadata);
    default:
      return assertNever(command);
  }
}

export const RESTOCK_ONCE_RULE = 'restock-once';

/**
 * A guard item per (SKU, command id), claimed in the same transaction as the StockRestocked append: a Restock
 * delivered twice (Lambda's or the SDK's retry of one invoke, a client retrying with its idempotency key)
 * finds its claim taken and adds nothing. The first delivery's quantity is the one applied. The command id
 * is hashed so a caller's key cannot shape the item's key.
 */
function restockClaim(command: Extract<InventoryRequest, { type: 'Restock' }>): GuardClaim {
  const id = createHash('sha256').update(command.metadata.commandId).digest('hex').slice(0, 32);
  return { key: `restock#${command.data.sku}#${id}`, rule: RESTOCK_ONCE_RULE };
}

function listed(
  command: Extract<InventoryRequest, { type: 'AddProduct' | 'Restock' }>,
  state: ProductState,
): ProductResult {
  if (state.status !== 'LISTED')
    throw new Error(`product ${command.data.sku} is not listed after ${command.type}`);
  const { status: _status, ...product } = state;
  return product;
}

/**
 * The inventory service's commands (Lambda, invoked by the saga, GraphQL resolvers and the local seed):
 * AddProduct / Restock on `product#<SKU>`, ReserveStock / ReleaseStock on `reservation#<orderId>` plus the
 * products' ledger copies, in one transaction.
 */
export const handler = commandHandler<InventoryRequest, InventoryResult>({
  service: 'inventory',
  parseCommand: parseRequest,
  execute,
});
