import { assertNever } from '../../../kernel/domain/decider.js';
import { BusinessRuleError, ForbiddenError, NotFoundError } from '../../../kernel/domain/errors.js';
import type { AssignTask, CancelMission, CompleteTask, CreateMission, MissionCommand } from './commands.js';
import type { MissionFact, MissionState, MissionTask, TaskKind } from './state.js';

export const missionRules = {
  belongsToShipment: 'mission-belongs-to-shipment',
  stopped: 'mission-stopped-shipment-cancelled',
  completed: 'mission-completed',
  inSequence: 'tasks-in-sequence',
  alreadyAssigned: 'task-already-assigned',
  alreadyCompleted: 'task-already-completed',
  completeOnlyAssigned: 'complete-only-assigned-task',
} as const;

/** The work to ship one order, in this order. */
export const MISSION_PLAN: readonly TaskKind[] = ['PICK', 'PACK', 'LABEL'];

/** Mission stream id for a shipment: one mission per shipment, prefixed so it never clashes with the shipment stream. */
export const missionIdFor = (shipmentId: string): string => `mission-${shipmentId}`;

/** Task ids are unique within their mission (events always carry the missionId too). */
export const taskIdFor = (kind: TaskKind, sequence: number): string => `${kind}-${sequence}`;

export function decideMission(command: MissionCommand, state: MissionState): MissionFact[] {
  switch (command.type) {
    case 'CreateMission':
      return createMission(command, state);
    case 'AssignTask':
      return assignTask(command, state);
    case 'CompleteTask':
      return completeTask(command, state);
    case 'CancelMission':
      return cancelMission(command, state);
    default:
      return assertNever(command);
  }
}

function createMission(command: CreateMission, state: MissionState): MissionFact[] {
  const { missionId, shipmentId, orderId, warehouseId } = command.data;
  if (state.status !== 'NONE') {
    if (state.shipmentId !== shipmentId) {
      throw new BusinessRuleError(
        missionRules.belongsToShipment,
        `mission ${missionId} is for ${state.shipmentId}`,
        {
          missionId,
          shipmentId: state.shipmentId,
          requestedShipmentId: shipmentId,
        },
      );
    }
    return []; // ShipmentCreated delivered twice
  }
  const tasks = MISSION_PLAN.map((kind, i) => ({ taskId: taskIdFor(kind, i + 1), kind, sequence: i + 1 }));
  return [{ type: 'MissionCreated', data: { missionId, shipmentId, orderId, warehouseId, tasks } }];
}

function findTask(state: MissionState, missionId: string, taskId: string) {
  if (state.status === 'NONE') throw new NotFoundError(`mission ${missionId} not found`, { missionId });
  const task = state.tasks.find((t) => t.taskId === taskId);
  if (!task)
    throw new NotFoundError(`task ${taskId} not found in mission ${missionId}`, { missionId, taskId });
  return { mission: state, task };
}

function stopped(missionId: string): BusinessRuleError {
  return new BusinessRuleError(
    missionRules.stopped,
    `mission ${missionId} stopped: its shipment is cancelled`,
    {
      missionId,
    },
  );
}

/**
 * Tasks run in sequence: a task is assigned only once every earlier task is done, so one agent works on a
 * mission at a time (you cannot pack what nobody has picked).
 */
function assignTask(command: AssignTask, state: MissionState): MissionFact[] {
  const { missionId, taskId, agentId, shipmentCancelled } = command.data;
  const { mission, task } = findTask(state, missionId, taskId);
  if (task.status === 'ASSIGNED' && task.agentId === agentId) return []; // the same assignment, retried
  if (mission.status === 'COMPLETED') {
    throw new BusinessRuleError(missionRules.completed, `mission ${missionId} is completed`, {
      missionId,
      taskId,
    });
  }
  if (shipmentCancelled || mission.status === 'CANCELLED') throw stopped(missionId);
  if (task.status === 'DONE') {
    throw new BusinessRuleError(missionRules.alreadyCompleted, `task ${taskId} is already completed`, {
      missionId,
      taskId,
    });
  }
  if (task.status === 'ASSIGNED') {
    throw new BusinessRuleError(
      missionRules.alreadyAssigned,
      `task ${taskId} is assigned to ${task.agentId}`,
      {
        missionId,
        taskId,
        agentId: task.agentId,
      },
    );
  }
  const blocking = mission.tasks.filter((t) => t.sequence < task.sequence && t.status !== 'DONE');
  if (blocking.length > 0) {
    throw new BusinessRuleError(missionRules.inSequence, `task ${taskId} waits for ${blocking[0]!.taskId}`, {
      missionId,
      taskId,
      waitingFor: blocking.map((t) => t.taskId),
    });
  }
  return [{ type: 'TaskAssigned', data: { missionId, taskId, kind: task.kind, agentId } }];
}

/** Only the agent a task is assigned to completes it; completing the last task completes the mission too. */
function completeTask(command: CompleteTask, state: MissionState): MissionFact[] {
  const { missionId, taskId, agentId, durationSeconds, shipmentCancelled } = command.data;
  const { mission, task } = findTask(state, missionId, taskId);
  if (task.status === 'DONE' && task.agentId === agentId) return []; // the same completion, retried
  if (task.status === 'DONE') {
    throw new BusinessRuleError(
      missionRules.alreadyCompleted,
      `task ${taskId} was completed by ${task.agentId}`,
      {
        missionId,
        taskId,
      },
    );
  }
  if (shipmentCancelled || mission.status === 'CANCELLED') throw stopped(missionId);
  if (task.status === 'PENDING') {
    throw new BusinessRuleError(missionRules.completeOnlyAssigned, `task ${taskId} is not assigned`, {
      missionId,
      taskId,
    });
  }
  if (task.agentId !== agentId) {
    throw new ForbiddenError(`task ${taskId} is assigned to ${task.agentId}, not ${agentId}`, {
      missionId,
      taskId,
      agentId,
      assignedTo: task.agentId,
    });
  }
  const facts: MissionFact[] = [
    { type: 'TaskCompleted', data: { missionId, taskId, kind: task.kind, agentId, durationSeconds } },
  ];
  const othersDone = mission.tasks.every((t: MissionTask) => t.taskId === taskId || t.status === 'DONE');
  if (othersDone) {
    facts.push({
      type: 'MissionCompleted',
      data: {
        missionId,
        shipmentId: mission.shipmentId,
        orderId: mission.orderId,
        tasksCompleted: mission.tasks.length,
      },
    });
  }
  return facts;
}

/**
 * Decided with the shipment's cancellation, in its transaction. A mission never created has nothing to stop;
 * one already stopped means the cancellation is retried; a completed one has done its work, and its cancelled
 * shipment is simply never dispatched (DispatchShipment refuses it).
 */
function cancelMission(command: CancelMission, state: MissionState): MissionFact[] {
  const { missionId, reason } = command.data;
  if (state.status !== 'ACTIVE') return [];
  const { shipmentId, orderId } = state;
  return [{ type: 'MissionCancelled', data: { missionId, shipmentId, orderId, reason } }];
}
