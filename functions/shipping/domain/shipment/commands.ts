import * as z from 'zod';
import { commandMetadata, parseWith } from '../../../kernel/domain/commands.js';
import {
  ShipmentCancelledV1,
  ShipmentCreatedV1,
  ShipmentDeliveredV1,
  ShipmentDispatchedV1,
} from '../../../kernel/events/catalogue/shipping.js';

export const CreateShipment = z.strictObject({
  type: z.literal('CreateShipment'),
  data: ShipmentCreatedV1.extend({
    carrier: ShipmentCreatedV1.shape.carrier.optional().describe('Defaults to the configured carrier'),
  }).strict(),
  metadata: commandMetadata,
});

export const CancelShipment = z.strictObject({
  type: z.literal('CancelShipment'),
  data: ShipmentCancelledV1.pick({ shipmentId: true, reason: true }).strict(),
  metadata: commandMetadata,
});

export const DispatchShipment = z.strictObject({
  type: z.literal('DispatchShipment'),
  data: ShipmentDispatchedV1.omit({ orderId: true })
    .extend({
      carrier: ShipmentDispatchedV1.shape.carrier.optional().describe("Defaults to the shipment's carrier"),
    })
    .strict(),
  metadata: commandMetadata,
});

export const DeliverShipment = z.strictObject({
  type: z.literal('DeliverShipment'),
  data: ShipmentDeliveredV1.omit({ orderId: true }).strict(),
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
