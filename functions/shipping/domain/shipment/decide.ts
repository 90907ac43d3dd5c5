import { assertNever } from '../../../kernel/domain/decider.js';
import { BusinessRuleError, NotFoundError } from '../../../kernel/domain/errors.js';
import type {
  CancelShipment,
  CreateShipment,
  DeliverShipment,
  DispatchShipment,
  ShipmentCommand,
} from './commands.js';
import type { ShipmentFact, ShipmentState } from './state.js';

/** Deployment configuration, passed to the decider (the handler reads it from its environment / SSM). */
export interface ShippingConfig {
  /** ISO 3166-1 alpha-2 codes shipping delivers to; any other country fails the shipment. */
  readonly supportedCountries: readonly string[];
  /** The carrier a shipment gets when CreateShipment names none. */
  readonly defaultCarrier: string;
}

export const defaultShippingConfig: ShippingConfig = {
  supportedCountries: ['US', 'CA', 'GB', 'DE', 'FR', 'NL'],
  defaultCarrier: 'SimPost',
};

/**
 * The carrier's answer to a booking. The handler asks the carrier (over HTTP, through its adapter) before
 * deciding, only when `needsCarrierBooking` says so, and hands the answer in: the domain never calls out.
 */
export type CarrierBooking =
  | { readonly status: 'accepted'; readonly carrier: string; readonly reference: string }
  | {
      readonly status: 'rejected';
      readonly code: 'UNSUPPORTED_COUNTRY' | 'INVALID_ADDRESS';
      readonly reason: string;
    };

/** Only a shipment not decided yet, to a country the deployment serves, needs the carrier's answer. */
export function needsCarrierBooking(
  command: CreateShipment,
  state: ShipmentState,
  config: ShippingConfig,
): boolean {
  if (state.status !== 'NONE') return false;
  return config.supportedCountries.some((c) => c.toUpperCase() === command.data.shippingAddress.country);
}

export const shipmentRules = {
  belongsToOrder: 'shipment-belongs-to-order',
  cancelOnlyBeforeDispatch: 'cancel-only-before-dispatch',
  dispatchOnlyCreated: 'dispatch-only-created',
  deliverOnlyDispatched: 'deliver-only-dispatched',
} as const;

/** `booking`: the carrier's answer for a CreateShipment, when the handler asked it (absent: not consulted). */
export function decideShipment(config: ShippingConfig, booking?: CarrierBooking) {
  const supported = new Set(config.supportedCountries.map((c) => c.toUpperCase()));
  return (command: ShipmentCommand, state: ShipmentState): ShipmentFact[] => {
    switch (command.type) {
      case 'CreateShipment':
        return createShipment(command, state, supported, config.defaultCarrier, booking);
      case 'CancelShipment':
        return cancelShipment(command, state);
      case 'DispatchShipment':
        return dispatchShipment(command, state);
      case 'DeliverShipment':
        return deliverShipment(command, state);
      default:
        return assertNever(command);
    }
  };
}

function createShipment(
  command: CreateShipment,
  state: ShipmentState,
  supported: ReadonlySet<string>,
  defaultCarrier: string,
  booking: CarrierBooking | undefined,
): ShipmentFact[] {
  const { shipmentId, orderId, items, shippingAddress, carrier = defaultCarrier } = command.data;
  if (state.status !== 'NONE') {
    if (state.orderId !== orderId) {
      throw new BusinessRuleError(
        shipmentRules.belongsToOrder,
        `shipment ${shipmentId} is for order ${state.orderId}`,
        {
          shipmentId,
          orderId: state.orderId,
          requestedOrderId: orderId,
        },
      );
    }
    // The saga retries its step: the outcome is already recorded (created or failed); the handler answers
    // from the state.
    return [];
  }
  const { country } = shippingAddress;
  if (!supported.has(country)) {
    return [
      {
        type: 'ShipmentFailed',
        data: {
          orderId,
          reason: `shipping to ${country} is not supported (supported: ${[...supported].join(', ')})`,
          code: 'UNSUPPORTED_COUNTRY',
          country,
        },
      },
    ];
  }
  if (booking?.status === 'rejected') {
    return [
      { type: 'ShipmentFailed', data: { orderId, reason: booking.reason, code: booking.code, country } },
    ];
  }
  return [{ type: 'ShipmentCreated', data: { shipmentId, orderId, items, shippingAddress, carrier } }];
}

function notFound(shipmentId: string): NotFoundError {
  return new NotFoundError(`shipment ${shipmentId} not found`, { shipmentId });
}

function refuse(rule: string, shipmentId: string, status: string, action: string): BusinessRuleError {
  return new BusinessRuleError(rule, `cannot ${action} shipment ${shipmentId} in status ${status}`, {
    shipmentId,
    status,
  });
}

function cancelShipment(command: CancelShipment, state: ShipmentState): ShipmentFact[] {
  const { shipmentId, reason } = command.data;
  switch (state.status) {
    // A compensation for a shipment never made (the step failed, or timed out before writing) has nothing to
    // undo; one already cancelled is retried. Both succeed without a new fact.
    case 'NONE':
    case 'FAILED':
    case 'CANCELLED':
      return [];
    case 'CREATED':
      return [{ type: 'ShipmentCancelled', data: { shipmentId, orderId: state.orderId, reason } }];
    case 'DISPATCHED':
    case 'DELIVERED':
      throw refuse(shipmentRules.cancelOnlyBeforeDispatch, shipmentId, state.status, 'cancel');
    default:
      return assertNever(state);
  }
}

function dispatchShipment(command: DispatchShipment, state: ShipmentState): ShipmentFact[] {
  const { shipmentId, trackingNumber } = command.data;
  if (state.status === 'NONE') throw notFound(shipmentId);
  if (state.status === 'DISPATCHED' && state.trackingNumber === trackingNumber) return [];
  if (state.status !== 'CREATED')
    throw refuse(shipmentRules.dispatchOnlyCreated, shipmentId, state.status, 'dispatch');
  const carrier = command.data.carrier ?? state.carrier;
  return [
    { type: 'ShipmentDispatched', data: { shipmentId, orderId: state.orderId, carrier, trackingNumber } },
  ];
}

function deliverShipment(command: DeliverShipment, state: ShipmentState): ShipmentFact[] {
  const { shipmentId, deliveredAt } = command.data;
  if (state.status === 'NONE') throw notFound(shipmentId);
  if (state.status === 'DELIVERED') return [];
  if (state.status !== 'DISPATCHED') {
    throw refuse(shipmentRules.deliverOnlyDispatched, shipmentId, state.status, 'deliver');
  }
  return [{ type: 'ShipmentDelivered', data: { shipmentId, orderId: state.orderId, deliveredAt } }];
}
