import type { AssignTask, CompleteTask } from './commands.js';
import type { MissionState, TaskKind } from './state.js';

/**
 * The simulated warehouse agent: a pure policy the local cloud (and a demo deployment) runs on a timer or
 * after each mission event. Given a mission, it says what to do next and after how long; the caller adds
 * command metadata, waits, and sends the command through the normal handler. Nothing when the mission is
 * completed, not created, or cancelled with its shipment (recorded in the mission, or told in
 * `shipmentCancelled` by a caller that heard of the shipment's cancellation first).
 */

/** How long the simulated agent spends on each kind of task. */
export const simulatedTaskSeconds: Readonly<Record<TaskKind, number>> = { PICK: 45, PACK: 30, LABEL: 10 };
/** How long the simulated agent takes to pick up the next task. */
export const simulatedAssignSeconds = 2;
export const SIMULATED_AGENT_ID = 'agent-sim-1';

export type AgentStep =
  | { readonly afterSeconds: number; readonly command: Omit<AssignTask, 'metadata'> }
  | { readonly afterSeconds: number; readonly command: Omit<CompleteTask, 'metadata'> };

export function nextAgentStep(
  mission: MissionState,
  options: { readonly shipmentCancelled: boolean; readonly agentId?: string },
): AgentStep | undefined {
  if (mission.status !== 'ACTIVE' || options.shipmentCancelled) return undefined;
  const next = mission.tasks.find((t) => t.status !== 'DONE');
  if (!next) return undefined; // every task done: MissionCompleted was emitted with the last one
  const { missionId } = mission;
  if (next.status === 'PENDING') {
    return {
      afterSeconds: simulatedAssignSeconds,
      command: {
        type: 'AssignTask',
        data: {
          missionId,
          taskId: next.taskId,
          agentId: options.agentId ?? SIMULATED_AGENT_ID,
          shipmentCancelled: false,
        },
      },
    };
  }
  const durationSeconds = simulatedTaskSeconds[next.kind];
  return {
    afterSeconds: durationSeconds,
    command: {
      type: 'CompleteTask',
      // The agent the task is assigned to completes it, whoever runs the policy.
      data: {
        missionId,
        taskId: next.taskId,
        agentId: next.agentId,
        durationSeconds,
        shipmentCancelled: false,
      },
    },
  };
}
