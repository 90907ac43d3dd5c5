import { MAX_MONEY } from '../../../kernel/domain/limits.js';
import { text } from '../../../kernel/domain/text.js';
import { ProductAddedV1, StockRestockedV1 } from '../../../kernel/events/catalogue/inventory.js';
import * as z from '../../../kernel/zod.js';
import { commandMetadata } from '../metadata.js';

/** A restock larger than this is a typo, not a delivery. */
export const MAX_RESTOCK = 1_000_000;

export const AddProduct = z.strictObject({
  type: z.literal('AddProduct'),
  data: z.strictObject({
    ...ProductAddedV1.shape,
    name: text(ProductAddedV1.shape.name),
    description: z.optional(text(z.string().check(z.maxLength(2000)), { multiline: true })),
    // The catalogue allows 0 minor units (a refund line, a free sample); a product on sale costs something,
    // and no more than an amount GraphQL's Int can show (orders bound their totals by the same MAX_MONEY).
    price: ProductAddedV1.shape.price.check(z.gte(1), z.lte(MAX_MONEY)),
    initialStock: ProductAddedV1.shape.initialStock.check(z.lte(MAX_RESTOCK)),
  }),
  metadata: commandMetadata,
});

export const Restock = z.strictObject({
  type: z.literal('Restock'),
  data: z.strictObject({
    sku: StockRestockedV1.shape.sku,
    quantity: StockRestockedV1.shape.quantity.check(z.lte(MAX_RESTOCK)),
  }),
  metadata: commandMetadata,
});

export const productCommandSchema = z.discriminatedUnion('type', [AddProduct, Restock]);

export type ProductCommand = z.infer<typeof productCommandSchema>;
export type AddProduct = z.infer<typeof AddProduct>;
export type Restock = z.infer<typeof Restock>;
