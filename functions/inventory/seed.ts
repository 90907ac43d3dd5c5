import type { AddProduct } from './domain/product/commands.js';

/** One product of the seed catalogue: AddProduct's data. */
export type SeedProduct = AddProduct['data'];

/**
 * The catalogue the local cloud starts with (local-app/seed.ts adds it through inventory's Commands function),
 * so `products`, placeOrder and the saga have something to work on from the first request. One currency
 * (an order is paid in one), prices in minor units, stock from plenty to nearly none so a game day can run
 * a product out.
 */
export const seedCatalogue: readonly SeedProduct[] = [
  {
    sku: 'MUG-CLASSIC',
    name: 'Classic stoneware mug',
    description: '350 ml, dishwasher safe',
    price: 1200,
    currency: 'USD',
    initialStock: 120,
  },
  {
    sku: 'TEE-LOGO-M',
    name: 'Logo T-shirt, medium',
    description: 'Organic cotton',
    price: 2400,
    currency: 'USD',
    initialStock: 60,
  },
  {
    sku: 'TEE-LOGO-L',
    name: 'Logo T-shirt, large',
    description: 'Organic cotton',
    price: 2400,
    currency: 'USD',
    initialStock: 45,
  },
  {
    sku: 'HOODIE-GREY',
    name: 'Grey zip hoodie',
    price: 5900,
    currency: 'USD',
    initialStock: 25,
  },
  {
    sku: 'CAP-BLACK',
    name: 'Black baseball cap',
    price: 1800,
    currency: 'USD',
    initialStock: 80,
  },
  {
    sku: 'BOTTLE-STEEL',
    name: 'Insulated steel bottle',
    description: '750 ml, keeps cold for 24 hours',
    price: 3200,
    currency: 'USD',
    initialStock: 40,
  },
  {
    sku: 'NOTEBOOK-A5',
    name: 'A5 dotted notebook',
    price: 1500,
    currency: 'USD',
    initialStock: 200,
  },
  {
    sku: 'STICKER-PACK',
    name: 'Sticker pack (10)',
    price: 500,
    currency: 'USD',
    initialStock: 500,
  },
  {
    sku: 'TOTE-CANVAS',
    name: 'Canvas tote bag',
    price: 2000,
    currency: 'USD',
    initialStock: 70,
  },
  {
    sku: 'KEYBOARD-MECH',
    name: 'Mechanical keyboard',
    description: 'Limited edition',
    price: 14900,
    currency: 'USD',
    initialStock: 3,
  },
];
