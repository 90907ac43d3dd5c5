import { assertNever, type Fact } from '../../../kernel/domain/decider.js';
import type { EventData } from '../../../kernel/events/catalogue.js';

/** The facts a mission stream holds (stream id = the mission id, missionIdFor(shipmentId)). */
export type MissionFact = Fact<
  'MissionCreated' | 'TaskAssigned' | 'TaskCompleted' | 'MissionCompleted' | 'MissionCancelled'
>;

export type TaskKind = EventData<'MissionCreated'>['tasks'][number]['kind'];

interface TaskBase {
  readonly taskId: string;
  readonly kind: TaskKind;
  readonly sequence: number;
}
export type MissionTask =
  | (TaskBase & { readonly status: 'PENDING' })
  | (TaskBase & { readonly status: 'ASSIGNED'; readonly agentId: string })
  | (TaskBase & { readonly status: 'DONE'; readonly agentId: string; readonly durationSeconds: number });

interface MissionBase {
  readonly missionId: string;
  readonly shipmentId: string;
  readonly orderId: string;
  readonly warehouseId: string;
  /** In sequence order. */
  readonly tasks: readonly MissionTask[];
}

export type MissionState =
  | { readonly status: 'NONE' }
  | (MissionBase & { readonly status: 'ACTIVE' })
  | (MissionBase & { readonly status: 'COMPLETED' })
  /** Its shipment was cancelled: the tasks stay as they were when it stopped. */
  | (MissionBase & { readonly status: 'CANCELLED'; readonly reason: string });

export const initialState = (): MissionState => ({ status: 'NONE' });

function updateTask(
  state: MissionState,
  taskId: string,
  update: (task: MissionTask) => MissionTask,
): MissionState {
  if (state.status === 'NONE') return state;
  return { ...state, tasks: state.tasks.map((t) => (t.taskId === taskId ? update(t) : t)) };
}

/** Trusts the stream: a fact for a mission or task it does not know leaves the state unchanged. */
export function evolve(state: MissionState, fact: MissionFact): MissionState {
  switch (fact.type) {
    case 'MissionCreated': {
      const { missionId, shipmentId, orderId, warehouseId, tasks } = fact.data;
      return {
        status: 'ACTIVE',
        missionId,
        shipmentId,
        orderId,
        warehouseId,
        tasks: [...tasks].sort((a, b) => a.sequence - b.sequence).map((t) => ({ ...t, status: 'PENDING' })),
      };
    }
    case 'TaskAssigned':
      return updateTask(state, fact.data.taskId, (t) => ({
        ...base(t),
        status: 'ASSIGNED',
        agentId: fact.data.agentId,
      }));
    case 'TaskCompleted':
      return updateTask(state, fact.data.taskId, (t) => ({
        ...base(t),
        status: 'DONE',
        agentId: fact.data.agentId,
        durationSeconds: fact.data.durationSeconds,
      }));
    case 'MissionCompleted':
      return state.status === 'ACTIVE' ? { ...state, status: 'COMPLETED' } : state;
    case 'MissionCancelled':
      // A completed mission stays completed: its work is done, whatever happens to the shipment.
      return state.status === 'ACTIVE' ? { ...state, status: 'CANCELLED', reason: fact.data.reason } : state;
    default:
      return assertNever(fact);
  }
}

const base = ({ taskId, kind, sequence }: MissionTask): TaskBase => ({ taskId, kind, sequence });
