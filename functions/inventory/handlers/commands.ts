import * as z from 'zod';
import { assertNever } from '../../kernel/domain/decider.js';
import { ValidationError } from '../../kernel/domain/errors.js';
import { id } from '../../kernel/events/primitives.js';
import { type CommandContext, commandHandler } from '../../kernel/service/command-handler.js';
import { handleCommand } from '../../kernel/store/command.js';
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
const ReserveStockRequest = ReserveStock.extend({
  data: ReserveStock.shape.data
    .omit({ stock: true, reservationId: true })
    .extend({ reservationId: id.optional() })
    .strict(),
});

export const inventoryRequestSchema = z.discriminatedUnion('type', [
  AddProduct,
  Restock,
  ReserveStockRequest,
  ReleaseStock,
]);
export type InventoryRequest = z.infer<typeof inventoryRequestSchema>;

export function parseRequest(input: unknown): InventoryRequest {
  const result = inventoryRequestSchema.safeParse(input);
  if (!result.success) {
    throw new ValidationError(
      'invalid inventory command',
      { issues: result.error.issues },
      { cause: result.error },
    );
  }
  return result.data;
}

/** The product's public fields after AddProduct / Restock. */
export type ProductResult = Omit<Extract<ProductState, { status: 'LISTED' }>, 'status'>;

export type InventoryResult = { readonly product: ProductResult } | ReservationResult;

export async function execute(command: InventoryRequest, { store, metadata }: CommandContext) {
  switch (command.type) {
    case 'AddProduct':
    case 'Restock': {
      const { events, state } = await handleCommand({
        store,
        decider: productDecider,
        streamId: productStreamId(command.data.sku),
        command,
        metadata,
        snapshots: productSnapshots,
      });
      if (state.status !== 'LISTED')
        throw new Error(`product ${command.data.sku} is not listed after ${command.type}`);
      const { status: _status, ...product } = state;
      return { events, result: { product } satisfies InventoryResult };
    }
    case 'ReserveStock':
    case 'ReleaseStock':
      return handleReservation(store, command, metadata);
    default:
      return assertNever(command);
  }
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
