import { describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../functions/kernel/events/catalogue.js';
import {
  type CommandMetadata,
  type MissionCommand,
  type MissionState,
  missionDecider,
  nextAgentStep,
} from '../../functions/shipping/domain/index.js';
import { type KnownMission, missionTracker } from '../../local-app/warehouse-agent.js';

const metadata: CommandMetadata = {
  commandId: 'cmd-1',
  issuedAt: '2026-12-05T12:00:00.000Z',
  actor: { type: 'system', id: 'warehouse-sim' },
};
const missionId = 'mission-ship-1';

/** The mission's stream as the shipping service writes it, each event with its stream version. */
function missionStream(): DomainEvent[] {
  const commands: MissionCommand[] = [
    {
      type: 'CreateMission',
      data: { missionId, shipmentId: 'ship-1', orderId: 'order-1', warehouseId: 'wh-1' },
      metadata,
    },
  ];
  let state = missionDecider.initialState();
  const events: DomainEvent[] = [];
  const record = (command: MissionCommand) => {
    for (const fact of missionDecider.decide(command, state)) {
      state = missionDecider.evolve(state, fact);
      events.push({
        ...fact,
        streamId: missionId,
        streamVersion: events.length + 1,
      } as unknown as DomainEvent);
    }
  };
  record(commands[0]!);
  // The simulated agent's own policy drives the rest, task by task, until the mission completes.
  for (let step = nextAgentStep(state, { shipmentCancelled: false }); step; ) {
    record({ ...step.command, metadata } as MissionCommand);
    step = nextAgentStep(state, { shipmentCancelled: false });
  }
  return events;
}

/** The first events of the mission, then MissionCancelled as CancelShipment writes it with the shipment's. */
function cancelledMissionStream(): DomainEvent[] {
  const [created, assigned] = missionStream();
  const state = [created!, assigned!].reduce(
    (s, e) => missionDecider.evolve(s, e as never),
    missionDecider.initialState(),
  );
  const [fact] = missionDecider.decide(
    { type: 'CancelMission', data: { missionId, reason: 'payment declined' }, metadata },
    state,
  );
  return [created!, assigned!, { ...fact, streamId: missionId, streamVersion: 3 } as unknown as DomainEvent];
}

function readerOf(events: readonly DomainEvent[]) {
  const reads: string[] = [];
  const read = async (id: string): Promise<KnownMission> => {
    reads.push(id);
    let state: MissionState = missionDecider.initialState();
    for (const event of events) state = missionDecider.evolve(state, event as never);
    return { state, version: events.length };
  };
  return { read, reads };
}

describe('the warehouse agent’s missions', () => {
  const stream = missionStream();

  it('folds events in stream order without reading the store, and forgets a completed mission', async () => {
    expect(stream.map((e) => e.type)).toContain('MissionCompleted');
    const { read, reads } = readerOf(stream);
    const missions = missionTracker(read);
    let last: KnownMission | undefined;
    for (const event of stream.slice(0, -1)) {
      last = await missions.after(event);
      expect(last.version).toBe(event.streamVersion);
      expect(last.state.status).toBe('ACTIVE');
    }
    expect(missions.size).toBe(1);
    const done = await missions.after(stream.at(-1)!);
    expect(done.state.status).toBe('COMPLETED');
    expect(missions.size).toBe(0);
    expect(reads).toEqual([]);
  });

  it('reads the stream once when an event does not follow on, and ignores a redelivery', async () => {
    const { read, reads } = readerOf(stream.slice(0, 3));
    const missions = missionTracker(read);
    await missions.after(stream[0]!);
    // Event 3 before event 2: the tracker cannot fold it, so it reads (the stream holds 3 events by now).
    const afterGap = await missions.after(stream[2]!);
    expect(reads).toEqual([missionId]);
    expect(afterGap.version).toBe(3);
    // Event 2 arrives late and event 3 again: both already in what was read.
    expect((await missions.after(stream[1]!)).version).toBe(3);
    expect((await missions.after(stream[2]!)).version).toBe(3);
    expect(reads).toHaveLength(1);
    // The next step is decided on the state read, as the policy would on the store's.
    const step = nextAgentStep(afterGap.state, { shipmentCancelled: false });
    expect(step?.command.data.missionId).toBe(missionId);
  });

  it('folds MissionCancelled without reading the store, forgets the mission, and has no next step', async () => {
    const cancelled = cancelledMissionStream();
    expect(cancelled.map((e) => e.type)).toEqual(['MissionCreated', 'TaskAssigned', 'MissionCancelled']);
    const { read, reads } = readerOf(cancelled);
    const missions = missionTracker(read);
    await missions.after(cancelled[0]!);
    const before = await missions.after(cancelled[1]!);
    expect(before.state.status).toBe('ACTIVE');
    expect(missions.size).toBe(1);
    const after = await missions.after(cancelled[2]!);
    expect(after).toMatchObject({ version: 3, state: { status: 'CANCELLED', reason: 'payment declined' } });
    expect(missions.size).toBe(0);
    expect(nextAgentStep(after.state, { shipmentCancelled: false })).toBeUndefined();
    expect(reads).toEqual([]);
  });
});
