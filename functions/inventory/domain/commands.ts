import { parseWith } from '../../kernel/domain/commands.js';
import * as z from '../../kernel/zod.js';
import { AddProduct, Restock } from './product/commands.js';
import { ReleaseStock, ReserveStock } from './reservation/commands.js';

/** Every inventory command, whichever aggregate decides it. */
export const inventoryCommandSchema = z.discriminatedUnion('type', [
  AddProduct,
  Restock,
  ReserveStock,
  ReleaseStock,
]);
export type InventoryCommand = z.infer<typeof inventoryCommandSchema>;

/** The boundary: anything that is not a well-formed inventory command is a ValidationError with zod's issues. */
export function parseCommand(input: unknown): InventoryCommand {
  return parseWith(inventoryCommandSchema, input, 'inventory');
}

/** Which aggregate decides a command: product commands go to `productDecider`, the others to `reservationDecider`. */
export function isProductCommand(
  command: InventoryCommand,
): command is Extract<InventoryCommand, { type: 'AddProduct' | 'Restock' }> {
  return command.type === 'AddProduct' || command.type === 'Restock';
}
