import * as z from '../../zod.js';
import { defineEvent } from '../define.js';
import { address, countryCode, id, isoDateTime, reason, stockLine } from '../primitives.js';

/**
 * Shipping owns shipments (what goes to the customer) and fulfillment missions: the warehouse work to ship one
 * order, split into pick → pack → label tasks, each assigned to a warehouse agent.
 */
const taskKind = z.enum(['PICK', 'PACK', 'LABEL']);
const carrier = z.string().check(z.minLength(1), z.maxLength(100));

export const ShipmentCreatedV1 = z.object({
  shipmentId: id,
  orderId: id,
  items: z.array(stockLine).check(z.minLength(1)),
  shippingAddress: address,
  carrier,
});

export const ShipmentFailedV1 = z.object({
  orderId: id,
  reason,
  code: z.enum(['UNSUPPORTED_COUNTRY', 'INVALID_ADDRESS', 'CARRIER_UNAVAILABLE']),
  country: z.optional(countryCode),
});

export const ShipmentCancelledV1 = z.object({ shipmentId: id, orderId: id, reason });

export const ShipmentDispatchedV1 = z.object({
  shipmentId: id,
  orderId: id,
  carrier,
  trackingNumber: z.string().check(z.minLength(1), z.maxLength(100)),
});

export const ShipmentDeliveredV1 = z.object({ shipmentId: id, orderId: id, deliveredAt: isoDateTime });

export const MissionCreatedV1 = z.object({
  missionId: id,
  shipmentId: id,
  orderId: id,
  warehouseId: id,
  tasks: z
    .array(z.object({ taskId: id, kind: taskKind, sequence: z.number().check(z.int(), z.gte(1)) }))
    .check(z.minLength(1), z.describe('Tasks in execution order: pick, then pack, then label')),
});

export const TaskAssignedV1 = z.object({ missionId: id, taskId: id, kind: taskKind, agentId: id });

export const TaskCompletedV1 = z.object({
  missionId: id,
  taskId: id,
  kind: taskKind,
  agentId: id,
  durationSeconds: z.number().check(z.int(), z.gte(0)),
});

export const MissionCompletedV1 = z.object({
  missionId: id,
  shipmentId: id,
  orderId: id,
  tasksCompleted: z.number().check(z.int(), z.gte(1)),
});

export const MissionCancelledV1 = z.object({ missionId: id, shipmentId: id, orderId: id, reason });

export const shippingEvents = [
  defineEvent({
    type: 'ShipmentCreated',
    service: 'shipping',
    description: 'A shipment was created for an order (saga step: create shipment)',
    versions: [ShipmentCreatedV1],
  }),
  defineEvent({
    type: 'ShipmentFailed',
    service: 'shipping',
    description: 'No shipment could be created for an order, e.g. an unsupported country',
    versions: [ShipmentFailedV1],
  }),
  defineEvent({
    type: 'ShipmentCancelled',
    service: 'shipping',
    description: 'A shipment was cancelled before dispatch (compensation)',
    versions: [ShipmentCancelledV1],
  }),
  defineEvent({
    type: 'ShipmentDispatched',
    service: 'shipping',
    description: 'The carrier picked the shipment up',
    versions: [ShipmentDispatchedV1],
  }),
  defineEvent({
    type: 'ShipmentDelivered',
    service: 'shipping',
    description: 'The carrier delivered the shipment',
    versions: [ShipmentDeliveredV1],
  }),
  defineEvent({
    type: 'MissionCreated',
    service: 'shipping',
    description: 'A fulfillment mission was planned for a shipment, with its tasks',
    versions: [MissionCreatedV1],
  }),
  defineEvent({
    type: 'TaskAssigned',
    service: 'shipping',
    description: 'A mission task was assigned to a warehouse agent',
    versions: [TaskAssignedV1],
  }),
  defineEvent({
    type: 'TaskCompleted',
    service: 'shipping',
    description: 'A warehouse agent completed a mission task',
    versions: [TaskCompletedV1],
  }),
  defineEvent({
    type: 'MissionCompleted',
    service: 'shipping',
    description: 'Every task of a mission is done: the shipment is ready for the carrier',
    versions: [MissionCompletedV1],
  }),
  defineEvent({
    type: 'MissionCancelled',
    service: 'shipping',
    description:
      'A mission was stopped because its shipment was cancelled: no task is assigned or completed after it',
    versions: [MissionCancelledV1],
  }),
] as const;
