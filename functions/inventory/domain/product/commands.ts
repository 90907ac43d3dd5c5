import * as z from 'zod';
import { ProductAddedV1, StockRestockedV1 } from '../../../kernel/events/catalogue/inventory.js';
import { commandMetadata } from '../metadata.js';

/** A restock larger than this is a typo, not a delivery. */
export const MAX_RESTOCK = 1_000_000;

export const AddProduct = z.strictObject({
  type: z.literal('AddProduct'),
  data: ProductAddedV1.extend({
    // The catalogue allows 0 minor units (a refund line, a free sample); a product on sale costs something.
    price: ProductAddedV1.shape.price.min(1),
    initialStock: ProductAddedV1.shape.initialStock.max(MAX_RESTOCK),
  }).strict(),
  metadata: commandMetadata,
});

export const Restock = z.strictObject({
  type: z.literal('Restock'),
  data: z.strictObject({
    sku: StockRestockedV1.shape.sku,
    quantity: StockRestockedV1.shape.quantity.max(MAX_RESTOCK),
  }),
  metadata: commandMetadata,
});

export const productCommandSchema = z.discriminatedUnion('type', [AddProduct, Restock]);

export type ProductCommand = z.infer<typeof productCommandSchema>;
export type AddProduct = z.infer<typeof AddProduct>;
export type Restock = z.infer<typeof Restock>;
