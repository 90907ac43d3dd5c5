import { commandMetadata, parseWith } from '../../../kernel/domain/commands.js';
import {
  ShipmentCancelledV1,
  ShipmentCreatedV1,
  ShipmentDeliveredV1,
  ShipmentDispatchedV1,
} from '../../../kernel/events/catalogue/shipping.js';
import * as z from '../../../kernel/zod.js';

export const CreateShipment = z.strictObject({
  type: z.literal('CreateShipment'),
  data: z.strictObject({
    ...ShipmentCreatedV1.shape,
    carrier: z
      .optional(ShipmentCreatedV1.shape.carrier)
      .check(z.describe('Defaults to the configured carrier')),
  }),
  metadata: commandMetadata,
});

export const CancelShipment = z.strictObject({
  type: z.literal('CancelShipment'),
  data: z.strictObject(z.pick(ShipmentCancelledV1, { shipmentId: true, reason: true }).shape),
  metadata: commandMetadata,
});

export const DispatchShipment = z.strictObject({
  type: z.literal('DispatchShipment'),
  data: z.strictObject({
    ...z.omit(ShipmentDispatchedV1, { orderId: true }).shape,
    carrier: z
      .optional(ShipmentDispatchedV1.shape.carrier)
      .check(z.describe("Defaults to the shipment's carrier")),
  }),
  metadata: commandMetadata,
});

export const DeliverShipment = z.strictObject({
  type: z.literal('DeliverShipment'),
  data: z.strictObject(z.omit(ShipmentDeliveredV1, { orderId: true }).shape),
  metadata: commandMetadata,
});

export const shipmentCommandSchema = z.discriminatedUnion('type', [
  CreateShipment,
  CancelShipment,
  DispatchShipment,
  DeliverShipment,
]);

export type ShipmentCommand = z.infer<typeof shipmentCommandSchema>;
export type CreateShipment = z.infer<typeof CreateShipment>;
export type CancelShipment = z.infer<typeof CancelShipment>;
export type DispatchShipment = z.infer<typeof DispatchShipment>;
export type DeliverShipment = z.infer<typeof DeliverShipment>;

export const parseShipmentCommand = (input: unknown): ShipmentCommand =>
  parseWith(shipmentCommandSchema, input, 'shipment');
