import * as z from '../zod.js';

/**
 * Building blocks shared by the event catalogue. Money is always an integer amount of minor units (cents for
 * USD/EUR, pence for GBP) plus an ISO 4217 currency code: no floats ever cross a service boundary.
 */

export const id = z.string().check(z.minLength(1), z.maxLength(128));
export const sku = z
  .string()
  .check(
    z.regex(/^[A-Z0-9][A-Z0-9-]{0,63}$/),
    z.describe('Stock keeping unit, upper-case letters, digits and dashes'),
  );
export const currency = z.string().check(z.regex(/^[A-Z]{3}$/), z.describe('ISO 4217 currency code'));
export const minorUnits = z
  .number()
  .check(z.int(), z.gte(0), z.describe('Money as an integer number of minor units (cents)'));
export const quantity = z.number().check(z.int(), z.gte(1));
export const isoDateTime = z.iso.datetime({ offset: true });
export const countryCode = z
  .string()
  .check(z.regex(/^[A-Z]{2}$/), z.describe('ISO 3166-1 alpha-2 country code'));
export const reason = z.string().check(z.minLength(1), z.maxLength(1000));

export const address = z.object({
  line1: z.string().check(z.minLength(1), z.maxLength(200)),
  city: z.string().check(z.minLength(1), z.maxLength(100)),
  postalCode: z.string().check(z.minLength(1), z.maxLength(20)),
  country: countryCode,
});

/** A priced order line: what was bought, how many, at what unit price (minor units). */
export const orderLine = z.object({ sku, quantity, unitPrice: minorUnits });

/** An unpriced line: what stock or shipping moves. */
export const stockLine = z.object({ sku, quantity });
