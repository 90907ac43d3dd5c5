import { fileURLToPath } from 'node:url';
import type { Construct } from 'constructs';
import { detailTypes } from '../../../functions/kernel/events/catalogue.js';
import { CARRIER_TIMEOUT_ENV, CARRIER_URL_ENV } from '../../../functions/shipping/handlers/carrier-config.js';
import { SHIPPING_ENV } from '../../../functions/shipping/handlers/config.js';
import { LocalRole, markLocalRole } from '../../local-roles.js';
import { SandboxStack } from '../sandbox-stack.js';
import { ServiceStack, type ServiceStackProps } from '../service-stack.js';

const entry = (file: string) =>
  fileURLToPath(new URL(`../../../functions/shipping/handlers/${file}`, import.meta.url));

/** The countries shipping delivers to unless configured otherwise (the platform promises at least these). */
export const DEFAULT_SUPPORTED_COUNTRIES = ['US', 'CA', 'GB', 'DE', 'FR', 'NL'] as const;

/** CDK context keys that configure shipping without code: `cdk deploy -c shipping:supportedCountries=US,CA`. */
export const SHIPPING_CONTEXT = {
  supportedCountries: 'shipping:supportedCountries',
  defaultCarrier: 'shipping:defaultCarrier',
  warehouseId: 'shipping:warehouseId',
} as const;

export interface ShippingStackProps extends ServiceStackProps {
  /**
   * ISO 3166-1 alpha-2 codes a shipment can go to; any other country fails the shipment (ShipmentFailed).
   * @default the `shipping:supportedCountries` context (comma-separated), else US, CA, GB, DE, FR, NL
   */
  readonly supportedCountries?: readonly string[];
  /** @default the `shipping:defaultCarrier` context, else the domain's (SimPost) */
  readonly defaultCarrier?: string;
  /** The warehouse fulfillment missions are planned in. @default the `shipping:warehouseId` context, else wh-local-1 */
  readonly warehouseId?: string;
}

/**
 * The shipping bounded context: shipments and their fulfillment missions (pick → pack → label tasks) in one
 * event store; a mission's completion dispatches its shipment. Warehouse agents (people with a device on AWS,
 * the local cloud's simulated agent locally) drive the missions through the Commands function.
 */
export class ShippingStack extends ServiceStack {
  constructor(scope: Construct, id: string, props: ShippingStackProps) {
    super(scope, id, { service: 'shipping' }, props);

    const context = (key: string): string | undefined => {
      const value: unknown = this.node.tryGetContext(key);
      return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
    };
    const countries = (
      props.supportedCountries ??
      context(SHIPPING_CONTEXT.supportedCountries)?.split(',') ?? [...DEFAULT_SUPPORTED_COUNTRIES]
    ).map((c) => c.trim().toUpperCase());
    const invalid = countries.filter((c) => !/^[A-Z]{2}$/.test(c));
    if (countries.length === 0 || invalid.length > 0) {
      throw new Error(
        `shipping: supported countries must be ISO 3166-1 alpha-2 codes, got ${countries.join(',')}`,
      );
    }
    const carrier = props.defaultCarrier ?? context(SHIPPING_CONTEXT.defaultCarrier);
    const warehouseId = props.warehouseId ?? context(SHIPPING_CONTEXT.warehouseId);
    const configuration: Record<string, string> = {
      [SHIPPING_ENV.supportedCountries]: countries.join(','),
      ...(carrier ? { [SHIPPING_ENV.defaultCarrier]: carrier } : {}),
      ...(warehouseId ? { [SHIPPING_ENV.warehouseId]: warehouseId } : {}),
    };

    const carrierConfig = this.config.providers.carrier;
    const commands = this.addFunction('Commands', {
      entry: entry('commands.ts'),
      description: 'shipping: shipments (create, cancel, dispatch, deliver) and fulfillment missions (tasks)',
      environment: {
        ...configuration,
        [CARRIER_TIMEOUT_ENV]: String(carrierConfig.timeoutMs),
        ...(carrierConfig.url ? { [CARRIER_URL_ENV]: carrierConfig.url } : {}),
      },
    });
    this.store.grantAppend(commands);
    // The local cloud's simulated warehouse staff sends to this function and reads this store (local-app/).
    markLocalRole(commands.function, LocalRole.shippingCommands);
    markLocalRole(this.store.table, LocalRole.shippingEventStore);
    // The carrier: a configured one, or the sandbox's function URL, discovered and called as IAM.
    if (!carrierConfig.url) SandboxStack.grantCall(commands.alias, this, this.config.stage, 'carrier');
    // Its bookings go through the `carrier` circuit breaker, whose state every environment shares.
    this.platform.circuitBreakers.grant(commands);

    const dispatcher = this.addFunction('OnMissionCompleted', {
      entry: entry('on-mission-completed.ts'),
      description: 'shipping: dispatches a shipment when its fulfillment mission is completed',
      environment: configuration,
    });
    this.store.grantAppend(dispatcher);
    this.subscribe('DispatchOnMissionCompleted', dispatcher, {
      source: ['commerceforge.shipping'],
      detailType: detailTypes('MissionCompleted'),
    });
  }
}
