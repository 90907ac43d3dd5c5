import * as z from 'zod';

/**
 * Building blocks shared by the event catalogue. Money is always an integer amount of minor units (cents for
 * USD/EUR, pence for GBP) plus an ISO 4217 currency code: no floats ever cross a service boundary.
 */

export const id = z.string().min(1).max(128);
export const sku = z
  .string()
  .regex(/^[A-Z0-9][A-Z0-9-]{0,63}$/)
  .describe('Stock keeping unit, upper-case letters, digits and dashes');
export const currency = z
  .string()
  .regex(/^[A-Z]{3}$/)
  .describe('ISO 4217 currency code');
export const minorUnits = z
  .number()
  .int()
  .min(0)
  .describe('Money as an integer number of minor units (cents)');
export const quantity = z.number().int().min(1);
export const isoDateTime = z.iso.datetime({ offset: true });
export const countryCode = z
  .string()
  .regex(/^[A-Z]{2}$/)
  .describe('ISO 3166-1 alpha-2 country code');
export const reason = z.string().min(1).max(1000);

export const address = z.object({
  line1: z.string().min(1).max(200),
  city: z.string().min(1).max(100),
  postalCode: z.string().min(1).max(20),
  country: countryCode,
});

/** A priced order line: what was bought, how many, at what unit price (minor units). */
export const orderLine = z.object({ sku, quantity, unitPrice: minorUnits });

/** An unpriced line: what stock or shipping moves. */
export const stockLine = z.object({ sku, quantity });
