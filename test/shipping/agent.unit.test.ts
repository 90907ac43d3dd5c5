import { describe, expect, it } from 'vitest';
import type { Fact } from '../../functions/kernel/domain/decider.js';
import { fold } from '../../functions/kernel/domain/decider.js';
import {
  type CommandMetadata,
  type MissionFact,
  missionDecider,
  nextAgentStep,
  SIMULATED_AGENT_ID,
} from '../../functions/shipping/domain/index.js';

const metadata: CommandMetadata = {
  commandId: 'cmd-1',
  issuedAt: '2025-03-01T12:00:00.000Z',
  actor: { type: 'system', id: 'warehouse-sim' },
};
const missionCreated: Fact<'MissionCreated'> = {
  type: 'MissionCreated',
  data: {
    missionId: 'm-1',
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

describe('the simulated warehouse agent', () => {
  it('assigns the first pending task, then completes it as the assigned agent', () => {
    const created = fold(missionDecider, [missionCreated]);
    expect(nextAgentStep(created, { shipmentCancelled: false })).toEqual({
      afterSeconds: 2,
      command: {
        type: 'AssignTask',
        data: { missionId: 'm-1', taskId: 'PICK-1', agentId: SIMULATED_AGENT_ID, shipmentCancelled: false },
      },
    });
    const assigned = fold(missionDecider, [
      missionCreated,
      {
        type: 'TaskAssigned',
        data: { missionId: 'm-1', taskId: 'PICK-1', kind: 'PICK', agentId: 'agent-7' },
      },
    ]);
    expect(nextAgentStep(assigned, { shipmentCancelled: false, agentId: 'agent-1' })).toEqual({
      afterSeconds: 45,
      command: {
        type: 'CompleteTask',
        data: {
          missionId: 'm-1',
          taskId: 'PICK-1',
          agentId: 'agent-7',
          durationSeconds: 45,
          shipmentCancelled: false,
        },
      },
    });
  });

  it('drives a mission to completion through the decider', () => {
    let facts: MissionFact[] = [missionCreated];
    for (let i = 0; i < 10; i++) {
      const step = nextAgentStep(fold(missionDecider, facts), { shipmentCancelled: false });
      if (!step) break;
      facts = [
        ...facts,
        ...missionDecider.decide({ ...step.command, metadata }, fold(missionDecider, facts)),
      ];
    }
    expect(facts.map((f) => f.type)).toEqual([
      'MissionCreated',
      'TaskAssigned',
      'TaskCompleted',
      'TaskAssigned',
      'TaskCompleted',
      'TaskAssigned',
      'TaskCompleted',
      'MissionCompleted',
    ]);
    expect(facts.at(-1)).toEqual({
      type: 'MissionCompleted',
      data: { missionId: 'm-1', shipmentId: 'ship-1', orderId: 'order-1', tasksCompleted: 3 },
    });
  });

  it('does nothing for a stopped, completed or unknown mission', () => {
    expect(
      nextAgentStep(fold(missionDecider, [missionCreated]), { shipmentCancelled: true }),
    ).toBeUndefined();
    expect(nextAgentStep(missionDecider.initialState(), { shipmentCancelled: false })).toBeUndefined();
    const done = fold(missionDecider, [
      missionCreated,
      {
        type: 'MissionCompleted',
        data: { missionId: 'm-1', shipmentId: 'ship-1', orderId: 'order-1', tasksCompleted: 3 },
      },
    ]);
    expect(nextAgentStep(done, { shipmentCancelled: false })).toBeUndefined();
  });

  it('does nothing for a mission cancelled with its shipment, though the caller heard nothing of it', () => {
    const assigned = fold(missionDecider, [
      missionCreated,
      {
        type: 'TaskAssigned',
        data: { missionId: 'm-1', taskId: 'PICK-1', kind: 'PICK', agentId: 'agent-7' },
      },
    ]);
    expect(nextAgentStep(assigned, { shipmentCancelled: false })).toBeDefined();
    const cancelled = fold(
      missionDecider,
      [
        {
          type: 'MissionCancelled',
          data: { missionId: 'm-1', shipmentId: 'ship-1', orderId: 'order-1', reason: 'payment declined' },
        },
      ],
      assigned,
    );
    expect(cancelled.status).toBe('CANCELLED');
    expect(nextAgentStep(cancelled, { shipmentCancelled: false })).toBeUndefined();
  });
});
