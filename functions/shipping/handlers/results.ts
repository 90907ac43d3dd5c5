import type { MissionState, ShipmentState } from '../domain/index.js';

/** What the shipment commands answer: the shipment's public state after the command. */
export type ShipmentResult =
  | { readonly shipmentId: string; readonly status: 'NONE' }
  | {
      readonly shipmentId: string;
      readonly status: 'FAILED';
      readonly orderId: string;
      readonly code: string;
      readonly reason: string;
    }
  | {
      readonly shipmentId: string;
      readonly status: 'CREATED' | 'CANCELLED' | 'DISPATCHED' | 'DELIVERED';
      readonly orderId: string;
      readonly carrier: string;
      readonly country: string;
      readonly missionId: string;
      readonly trackingNumber?: string;
      readonly deliveredAt?: string;
      readonly reason?: string;
    };

/** What the mission commands answer. */
export type MissionResult =
  | { readonly missionId: string; readonly status: 'NONE' }
  | {
      readonly missionId: string;
      readonly status: 'ACTIVE' | 'COMPLETED' | 'CANCELLED';
      readonly shipmentId: string;
      readonly orderId: string;
      readonly warehouseId: string;
      readonly tasks: readonly { taskId: string; kind: string; status: string; agentId?: string }[];
      readonly reason?: string;
    };

export function shipmentResult(shipmentId: string, missionId: string, state: ShipmentState): ShipmentResult {
  switch (state.status) {
    case 'NONE':
      return { shipmentId, status: 'NONE' };
    case 'FAILED':
      return { shipmentId, status: 'FAILED', orderId: state.orderId, code: state.code, reason: state.reason };
    default: {
      const base = {
        shipmentId,
        status: state.status,
        orderId: state.orderId,
        carrier: state.carrier,
        country: state.shippingAddress.country,
        missionId,
      };
      switch (state.status) {
        case 'CREATED':
          return base;
        case 'CANCELLED':
          return { ...base, reason: state.reason };
        case 'DISPATCHED':
          return { ...base, trackingNumber: state.trackingNumber };
        case 'DELIVERED':
          return { ...base, trackingNumber: state.trackingNumber, deliveredAt: state.deliveredAt };
      }
    }
  }
}

export function missionResult(missionId: string, state: MissionState): MissionResult {
  if (state.status === 'NONE') return { missionId, status: 'NONE' };
  const { status, shipmentId, orderId, warehouseId, tasks } = state;
  return {
    missionId,
    status,
    shipmentId,
    orderId,
    warehouseId,
    tasks: tasks.map((t) => ({
      taskId: t.taskId,
      kind: t.kind,
      status: t.status,
      ...(t.status === 'PENDING' ? {} : { agentId: t.agentId }),
    })),
    ...(state.status === 'CANCELLED' ? { reason: state.reason } : {}),
  };
}
