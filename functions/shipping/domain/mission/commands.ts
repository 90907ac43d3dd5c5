import { commandMetadata, parseWith } from '../../../kernel/domain/commands.js';
import {
  MissionCancelledV1,
  MissionCreatedV1,
  TaskAssignedV1,
  TaskCompletedV1,
} from '../../../kernel/events/catalogue/shipping.js';
import * as z from '../../../kernel/zod.js';

/**
 * A mission records its own stop: the shipment's cancellation writes MissionCancelled to the mission stream
 * in the same transaction, and the mission refuses further work from its own state. `shipmentCancelled` is
 * kept so callers that still send it are not refused; true still stops the mission, but the handler no longer
 * reads the shipment to fill it in.
 */
const shipmentCancelled = z
  .boolean()
  .check(
    z.describe('True stops the mission; kept for older callers, the mission knows when it is cancelled'),
  );

export const CreateMission = z.strictObject({
  type: z.literal('CreateMission'),
  data: z.strictObject(z.omit(MissionCreatedV1, { tasks: true }).shape),
  metadata: commandMetadata,
});

export const AssignTask = z.strictObject({
  type: z.literal('AssignTask'),
  data: z.strictObject({ ...z.omit(TaskAssignedV1, { kind: true }).shape, shipmentCancelled }),
  metadata: commandMetadata,
});

export const CompleteTask = z.strictObject({
  type: z.literal('CompleteTask'),
  data: z.strictObject({
    ...z.omit(TaskCompletedV1, { kind: true }).shape,
    // TaskAssigned carries no time, so the mission cannot compute how long a task took: the agent reports it.
    durationSeconds: TaskCompletedV1.shape.durationSeconds.check(z.describe('Reported by the agent')),
    shipmentCancelled,
  }),
  metadata: commandMetadata,
});

/**
 * Stops a mission because its shipment was cancelled. Internal: the handler decides it with the shipment's
 * CancelShipment and writes both in one transaction, so it is not in the schema callers are parsed with.
 */
export const CancelMission = z.strictObject({
  type: z.literal('CancelMission'),
  data: z.strictObject(z.pick(MissionCancelledV1, { missionId: true, reason: true }).shape),
  metadata: commandMetadata,
});

/** The mission commands a caller may send. */
export const missionCommandSchema = z.discriminatedUnion('type', [CreateMission, AssignTask, CompleteTask]);

/** Every command the mission decides: the callers' ones and the handler's own CancelMission. */
export type MissionCommand = z.infer<typeof missionCommandSchema> | CancelMission;
export type CreateMission = z.infer<typeof CreateMission>;
export type AssignTask = z.infer<typeof AssignTask>;
export type CompleteTask = z.infer<typeof CompleteTask>;
export type CancelMission = z.infer<typeof CancelMission>;

export const parseMissionCommand = (input: unknown): z.infer<typeof missionCommandSchema> =>
  parseWith(missionCommandSchema, input, 'mission');
