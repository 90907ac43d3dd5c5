import { describe, expect, it } from 'vitest';
import type { Fact } from '../../functions/kernel/domain/decider.js';
import { fold } from '../../functions/kernel/domain/decider.js';
import { BusinessRuleError, ForbiddenError, NotFoundError } from '../../functions/kernel/domain/errors.js';
import { latestEntry } from '../../functions/kernel/events/catalogue.js';
import {
  type CommandMetadata,
  type MissionCommand,
  type MissionFact,
  missionDecider,
  missionIdFor,
  missionRules,
} from '../../functions/shipping/domain/index.js';
import { spec } from '../helpers/decider.js';

const metadata: CommandMetadata = {
  commandId: 'cmd-1',
  issuedAt: '2025-03-01T12:00:00.000Z',
  actor: { type: 'system', id: 'warehouse-sim' },
};
const missionId = 'mission-ship-1';

const create: MissionCommand = {
  type: 'CreateMission',
  data: { missionId, shipmentId: 'ship-1', orderId: 'order-1', warehouseId: 'wh-1' },
  metadata,
};
const assign = (taskId: string, agentId = 'agent-1', shipmentCancelled = false): MissionCommand => ({
  type: 'AssignTask',
  data: { missionId, taskId, agentId, shipmentCancelled },
  metadata,
});
const complete = (taskId: string, agentId = 'agent-1', shipmentCancelled = false): MissionCommand => ({
  type: 'CompleteTask',
  data: { missionId, taskId, agentId, durationSeconds: 30, shipmentCancelled },
  metadata,
});

const missionCreated: Fact<'MissionCreated'> = {
  type: 'MissionCreated',
  data: {
    missionId,
    shipmentId: 'ship-1',
    orderId: 'order-1',
    warehouseId: 'wh-1',
    tasks: [
      { taskId: 'PICK-1', kind: 'PICK', sequence: 1 },
      { taskId: 'PACK-2', kind: 'PACK', sequence: 2 },
      { taskId: 'LABEL-3', kind: 'LABEL', sequence: 3 },
    ],
  },
};
const kinds = { 'PICK-1': 'PICK', 'PACK-2': 'PACK', 'LABEL-3': 'LABEL' } as const;
type TaskId = keyof typeof kinds;
const assigned = (taskId: TaskId, agentId = 'agent-1'): Fact<'TaskAssigned'> => ({
  type: 'TaskAssigned',
  data: { missionId, taskId, kind: kinds[taskId], agentId },
});
const completed = (taskId: TaskId, agentId = 'agent-1'): Fact<'TaskCompleted'> => ({
  type: 'TaskCompleted',
  data: { missionId, taskId, kind: kinds[taskId], agentId, durationSeconds: 30 },
});
const missionCompleted: Fact<'MissionCompleted'> = {
  type: 'MissionCompleted',
  data: { missionId, shipmentId: 'ship-1', orderId: 'order-1', tasksCompleted: 3 },
};
const cancel: MissionCommand = {
  type: 'CancelMission',
  data: { missionId, reason: 'payment declined' },
  metadata,
};
const missionCancelled: Fact<'MissionCancelled'> = {
  type: 'MissionCancelled',
  data: { missionId, shipmentId: 'ship-1', orderId: 'order-1', reason: 'payment declined' },
};
const picked = [missionCreated, assigned('PICK-1'), completed('PICK-1')];
const packed = [...picked, assigned('PACK-2'), completed('PACK-2')];

const given = (facts: MissionFact[]) => spec(missionDecider).given(facts);

describe('CreateMission', () => {
  it('plans pick, pack and label in sequence', () => given([]).when(create).thenEmits([missionCreated]));
  it('emits nothing when the mission exists', () => given([missionCreated]).when(create).thenEmits([]));
  it('refuses a mission id already used for another shipment', () =>
    given([missionCreated])
      .when({ ...create, data: { ...create.data, shipmentId: 'ship-2' } } as MissionCommand)
      .thenThrows(BusinessRuleError, missionRules.belongsToShipment));
  it('derives the mission id from the shipment id', () => expect(missionIdFor('ship-1')).toBe(missionId));
  it('emits a MissionCreated the catalogue accepts', () =>
    expect(latestEntry('MissionCreated')!.dataSchema.safeParse(missionCreated.data).success).toBe(true));
});

describe('AssignTask', () => {
  it('assigns the first task', () =>
    given([missionCreated])
      .when(assign('PICK-1'))
      .thenEmits([assigned('PICK-1')]));
  it('assigns the next task once the previous one is done', () =>
    given(picked)
      .when(assign('PACK-2', 'agent-2'))
      .thenEmits([assigned('PACK-2', 'agent-2')]));
  it('refuses a task out of sequence', () => {
    given([missionCreated]).when(assign('PACK-2')).thenThrows(BusinessRuleError, missionRules.inSequence);
    given([missionCreated, assigned('PICK-1')])
      .when(assign('LABEL-3'))
      .thenThrows(BusinessRuleError, missionRules.inSequence);
  });
  it('is a no-op for the same assignment; refuses a task assigned to someone else', () => {
    given([missionCreated, assigned('PICK-1')])
      .when(assign('PICK-1'))
      .thenEmits([]);
    given([missionCreated, assigned('PICK-1')])
      .when(assign('PICK-1', 'agent-2'))
      .thenThrows(BusinessRuleError, missionRules.alreadyAssigned);
  });
  it('refuses a completed task', () =>
    given(picked)
      .when(assign('PICK-1', 'agent-2'))
      .thenThrows(BusinessRuleError, missionRules.alreadyCompleted));
  it('refuses once the shipment is cancelled: the mission has stopped', () =>
    given([missionCreated])
      .when(assign('PICK-1', 'agent-1', true))
      .thenThrows(BusinessRuleError, missionRules.stopped));
  it('refuses on a cancelled mission, with no word from the caller', () => {
    given([missionCreated, missionCancelled])
      .when(assign('PICK-1'))
      .thenThrows(BusinessRuleError, missionRules.stopped);
    given([...picked, missionCancelled])
      .when(assign('PACK-2'))
      .thenThrows(BusinessRuleError, missionRules.stopped);
  });
  it('refuses on a completed mission', () =>
    given([...packed, assigned('LABEL-3'), completed('LABEL-3'), missionCompleted])
      .when(assign('PICK-1', 'agent-2'))
      .thenThrows(BusinessRuleError, missionRules.completed));
  it('refuses an unknown mission or task', () => {
    given([]).when(assign('PICK-1')).thenThrows(NotFoundError, 'NOT_FOUND');
    given([missionCreated]).when(assign('SHIP-9')).thenThrows(NotFoundError, 'NOT_FOUND');
  });
});

describe('CompleteTask', () => {
  it('completes an assigned task', () =>
    given([missionCreated, assigned('PICK-1')])
      .when(complete('PICK-1'))
      .thenEmits([completed('PICK-1')]));
  it('completes the mission in the same decision as its last task', () =>
    given([...packed, assigned('LABEL-3')])
      .when(complete('LABEL-3'))
      .thenEmits([completed('LABEL-3'), missionCompleted]));
  it('is a no-op when the same agent completes again (even the last task)', () => {
    given(picked).when(complete('PICK-1')).thenEmits([]);
    given([...packed, assigned('LABEL-3'), completed('LABEL-3'), missionCompleted])
      .when(complete('LABEL-3'))
      .thenEmits([]);
  });
  it('refuses a task nobody was assigned', () =>
    given([missionCreated])
      .when(complete('PICK-1'))
      .thenThrows(BusinessRuleError, missionRules.completeOnlyAssigned));
  it('refuses an agent the task is not assigned to', () =>
    given([missionCreated, assigned('PICK-1')])
      .when(complete('PICK-1', 'agent-2'))
      .thenThrows(ForbiddenError));
  it('refuses a task completed by another agent', () =>
    given(picked)
      .when(complete('PICK-1', 'agent-2'))
      .thenThrows(BusinessRuleError, missionRules.alreadyCompleted));
  it('refuses once the shipment is cancelled', () =>
    given([missionCreated, assigned('PICK-1')])
      .when(complete('PICK-1', 'agent-1', true))
      .thenThrows(BusinessRuleError, missionRules.stopped));
  it('refuses on a cancelled mission, even the task its agent was on', () =>
    given([missionCreated, assigned('PICK-1'), missionCancelled])
      .when(complete('PICK-1'))
      .thenThrows(BusinessRuleError, missionRules.stopped));
  it('refuses an unknown mission', () =>
    given([]).when(complete('PICK-1')).thenThrows(NotFoundError, 'NOT_FOUND'));
});

describe('CancelMission', () => {
  it('stops an active mission, naming its shipment and order', () => {
    given([missionCreated]).when(cancel).thenEmits([missionCancelled]);
    given([missionCreated, assigned('PICK-1')])
      .when(cancel)
      .thenEmits([missionCancelled]);
  });
  it('emits nothing for a mission never created', () => given([]).when(cancel).thenEmits([]));
  it('emits nothing for a mission already cancelled (a retried cancellation)', () =>
    given([missionCreated, missionCancelled]).when(cancel).thenEmits([]));
  it('emits nothing for a completed mission: its work is done', () =>
    given([...packed, assigned('LABEL-3'), completed('LABEL-3'), missionCompleted])
      .when(cancel)
      .thenEmits([]));
  it('emits a MissionCancelled the catalogue accepts', () =>
    expect(latestEntry('MissionCancelled')!.dataSchema.safeParse(missionCancelled.data).success).toBe(true));
});

describe('evolve', () => {
  it('tracks each task and completes the mission', () => {
    const state = fold(missionDecider, [...packed, assigned('LABEL-3', 'agent-3')]);
    expect(state.status === 'ACTIVE' && state.tasks).toEqual([
      {
        taskId: 'PICK-1',
        kind: 'PICK',
        sequence: 1,
        status: 'DONE',
        agentId: 'agent-1',
        durationSeconds: 30,
      },
      {
        taskId: 'PACK-2',
        kind: 'PACK',
        sequence: 2,
        status: 'DONE',
        agentId: 'agent-1',
        durationSeconds: 30,
      },
      { taskId: 'LABEL-3', kind: 'LABEL', sequence: 3, status: 'ASSIGNED', agentId: 'agent-3' },
    ]);
    expect(
      fold(missionDecider, [...packed, assigned('LABEL-3'), completed('LABEL-3'), missionCompleted]).status,
    ).toBe('COMPLETED');
  });

  it('cancels an active mission and keeps its tasks as they stood', () => {
    const state = fold(missionDecider, [...picked, assigned('PACK-2'), missionCancelled]);
    expect(state).toMatchObject({
      status: 'CANCELLED',
      missionId,
      shipmentId: 'ship-1',
      orderId: 'order-1',
      warehouseId: 'wh-1',
      reason: 'payment declined',
    });
    expect(state.status === 'CANCELLED' && state.tasks.map((t) => t.status)).toEqual([
      'DONE',
      'ASSIGNED',
      'PENDING',
    ]);
  });

  it('leaves a completed or unknown mission as it is', () => {
    const done = [...packed, assigned('LABEL-3'), completed('LABEL-3'), missionCompleted];
    expect(fold(missionDecider, [...done, missionCancelled])).toEqual(fold(missionDecider, done));
    expect(fold(missionDecider, [missionCancelled])).toEqual({ status: 'NONE' });
  });
});
