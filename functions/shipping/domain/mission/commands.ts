import { commandMetadata, parseWith } from '../../../kernel/domain/commands.js';
import {
  MissionCreatedV1,
  TaskAssignedV1,
  TaskCompletedV1,
} from '../../../kernel/events/catalogue/shipping.js';
import * as z from '../../../kernel/zod.js';

/**
 * The catalogue has no event that stops a mission (no MissionCancelled), so a mission cannot record that its
 * shipment was cancelled. The handler, which reads the shipment stream from the same event store, says so
 * in `shipmentCancelled`, and the mission refuses further work.
 */
const shipmentCancelled = z
  .boolean()
  .check(z.describe("True when the mission's shipment is cancelled: the mission has stopped"));

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

export const missionCommandSchema = z.discriminatedUnion('type', [CreateMission, AssignTask, CompleteTask]);

export type MissionCommand = z.infer<typeof missionCommandSchema>;
export type CreateMission = z.infer<typeof CreateMission>;
export type AssignTask = z.infer<typeof AssignTask>;
export type CompleteTask = z.infer<typeof CompleteTask>;

export const parseMissionCommand = (input: unknown): MissionCommand =>
  parseWith(missionCommandSchema, input, 'mission');
