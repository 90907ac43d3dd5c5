import { KernelConfigurationError } from '../../kernel/errors.js';
import { defaultShippingConfig, type ShippingConfig } from '../domain/index.js';

/** Environment variables the shipping stack sets (lib/stacks/services/shipping-stack.ts). */
export const SHIPPING_ENV = {
  supportedCountries: 'SHIPPING_SUPPORTED_COUNTRIES',
  defaultCarrier: 'SHIPPING_DEFAULT_CARRIER',
  warehouseId: 'SHIPPING_WAREHOUSE_ID',
} as const;

export interface ShippingRuntimeConfig extends ShippingConfig {
  /** The warehouse new fulfillment missions are planned in. */
  readonly warehouseId: string;
}

export const DEFAULT_WAREHOUSE_ID = 'wh-local-1';

/**
 * The deployment's shipping configuration: `SHIPPING_SUPPORTED_COUNTRIES` is a comma-separated list of
 * ISO 3166-1 alpha-2 codes (`US,CA,GB,DE,FR,NL` by default). A malformed list stops the function at its
 * first command rather than silently shipping nowhere.
 */
export function shippingConfigFrom(
  env: Record<string, string | undefined> = process.env,
): ShippingRuntimeConfig {
  const raw = env[SHIPPING_ENV.supportedCountries];
  const supportedCountries =
    raw === undefined || raw.trim() === ''
      ? defaultShippingConfig.supportedCountries
      : raw.split(',').map((c) => c.trim().toUpperCase());
  const invalid = supportedCountries.filter((c) => !/^[A-Z]{2}$/.test(c));
  if (invalid.length > 0) {
    throw new KernelConfigurationError(
      `${SHIPPING_ENV.supportedCountries} must be ISO 3166-1 alpha-2 codes separated by commas; got ${invalid.join(', ')}`,
    );
  }
  return {
    supportedCountries,
    defaultCarrier: env[SHIPPING_ENV.defaultCarrier] || defaultShippingConfig.defaultCarrier,
    warehouseId: env[SHIPPING_ENV.warehouseId] || DEFAULT_WAREHOUSE_ID,
  };
}
