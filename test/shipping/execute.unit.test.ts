/**
 * The shipping executor over an in-memory event store: a CancelShipment stops the mission in the same
 * transaction, and a mission command reads its own stream only, once. Races are played by slipping another
 * command in between a command's reads and its append, as a second invocation would.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { BusinessRuleError } from '../../functions/kernel/domain/errors.js';
import { metadataFrom } from '../../functions/kernel/store/index.js';
import { missionRules, parseCommand } from '../../functions/shipping/domain/index.js';
import { shippingConfigFrom } from '../../functions/shipping/handlers/config.js';
import { shippingExecutor } from '../../functions/shipping/handlers/execute.js';
import { fixedClock, sequentialIds } from '../helpers/events.js';
import { type MemoryEventStore, memoryEventStore } from '../helpers/memory-event-store.js';

const actor = { type: 'service', id: 'saga' } as const;
const metadata = metadataFrom({
  ids: sequentialIds(),
  clock: fixedClock(),
  causation: {
    correlationId: 'corr-1',
    causationId: 'cmd-1',
    traceparent: '00-6741c0de00000000000000000000abcd-00000000000000aa-01',
  },
  actor,
});
const command = (type: string, data: Record<string, unknown>) =>
  parseCommand({
    type,
    data,
    metadata: { commandId: `cmd-${type}`, issuedAt: '2025-03-01T12:00:00.000Z', actor },
  });

const shipmentId = 's-1';
const missionId = 'mission-s-1';
const createShipment = command('CreateShipment', {
  shipmentId,
  orderId: 'o-1',
  items: [{ sku: 'SKU-1', quantity: 1 }],
  shippingAddress: { line1: '1 rue', city: 'Paris', postalCode: '75001', country: 'FR' },
});
const cancelShipment = command('CancelShipment', { shipmentId, reason: 'payment declined' });
const assign = (taskId: string, shipmentCancelled = false) =>
  command('AssignTask', { missionId, taskId, agentId: 'agent-1', shipmentCancelled });
const complete = (taskId: string) =>
  command('CompleteTask', {
    missionId,
    taskId,
    agentId: 'agent-1',
    durationSeconds: 30,
    shipmentCancelled: false,
  });

const execute = shippingExecutor(shippingConfigFrom({}));
let store: MemoryEventStore;
const run = (c: ReturnType<typeof command>) => execute(c, { store, metadata });
const refusal = (c: ReturnType<typeof command>) =>
  run(c).then(
    () => undefined,
    (error: unknown) => error,
  );
/** The store calls made from now on. */
const callsFrom = () => {
  const from = store.calls.length;
  return () => store.calls.slice(from);
};

beforeEach(async () => {
  store = memoryEventStore();
  await run(createShipment);
});

describe('CancelShipment', () => {
  it('appends ShipmentCancelled and MissionCancelled in one transaction', async () => {
    await run(assign('PICK-1'));
    const calls = callsFrom();
    const { events, result } = await run(cancelShipment);
    expect(events.map((e) => [e.type, e.streamId, e.streamVersion])).toEqual([
      ['ShipmentCancelled', shipmentId, 2],
      ['MissionCancelled', missionId, 3],
    ]);
    expect(events[1]!.data).toEqual({
      missionId,
      shipmentId,
      orderId: 'o-1',
      reason: 'payment declined',
    });
    expect(calls()).toEqual([
      { op: 'rehydrate', streamIds: [shipmentId] },
      { op: 'rehydrate', streamIds: [missionId] },
      { op: 'appendMany', streamIds: [shipmentId, missionId], written: true },
    ]);
    expect(result).toMatchObject({ status: 'CANCELLED', missionId });
    expect(store.types(missionId)).toEqual(['MissionCreated', 'TaskAssigned', 'MissionCancelled']);
  });

  it('writes nothing and reads no mission when retried', async () => {
    await run(cancelShipment);
    const calls = callsFrom();
    expect((await run(cancelShipment)).events).toEqual([]);
    expect(calls()).toEqual([{ op: 'rehydrate', streamIds: [shipmentId] }]);
    expect(store.types(missionId).filter((t) => t === 'MissionCancelled')).toHaveLength(1);
  });

  it('leaves a completed mission as it is: only the shipment is cancelled', async () => {
    for (const taskId of ['PICK-1', 'PACK-2', 'LABEL-3']) {
      await run(assign(taskId));
      await run(complete(taskId));
    }
    expect(store.types(missionId).at(-1)).toBe('MissionCompleted');
    const { events } = await run(cancelShipment);
    expect(events.map((e) => e.type)).toEqual(['ShipmentCancelled']);
    expect(store.types(missionId)).not.toContain('MissionCancelled');
  });

  it('reads both streams again when a task is assigned between its reads and its append', async () => {
    store.beforeNextAppend(async () => {
      await run(assign('PICK-1'));
    });
    const calls = callsFrom();
    const { events } = await run(cancelShipment);
    expect(events.map((e) => [e.type, e.streamVersion])).toEqual([
      ['ShipmentCancelled', 2],
      ['MissionCancelled', 3],
    ]);
    expect(calls().filter((c) => c.op === 'appendMany')).toEqual([
      { op: 'appendMany', streamIds: [shipmentId, missionId], written: false },
      { op: 'appendMany', streamIds: [shipmentId, missionId], written: true },
    ]);
    expect(store.types(shipmentId)).toEqual(['ShipmentCreated', 'ShipmentCancelled']);
    expect(store.types(missionId)).toEqual(['MissionCreated', 'TaskAssigned', 'MissionCancelled']);
  });
});

describe('mission commands', () => {
  it('read the mission stream once and never the shipment', async () => {
    const calls = callsFrom();
    const { events } = await run(assign('PICK-1'));
    expect(events.map((e) => e.type)).toEqual(['TaskAssigned']);
    expect(calls()).toEqual([
      { op: 'rehydrate', streamIds: [missionId] },
      { op: 'append', streamIds: [missionId], written: true },
    ]);
  });

  it('are refused from the mission’s own state once the shipment is cancelled', async () => {
    await run(assign('PICK-1'));
    await run(cancelShipment);
    const calls = callsFrom();
    const refused = await refusal(complete('PICK-1'));
    expect(refused).toBeInstanceOf(BusinessRuleError);
    expect((refused as BusinessRuleError).rule).toBe(missionRules.stopped);
    expect(await refusal(assign('PACK-2'))).toMatchObject({ rule: missionRules.stopped });
    expect(calls()).toEqual([
      { op: 'rehydrate', streamIds: [missionId] },
      { op: 'rehydrate', streamIds: [missionId] },
    ]);
  });

  it('still stop when the caller says the shipment is cancelled', async () => {
    expect(await refusal(assign('PICK-1', true))).toMatchObject({ rule: missionRules.stopped });
    expect(store.types(missionId)).toEqual(['MissionCreated']);
  });

  it('are re-read and refused when the cancellation is written between their read and their append', async () => {
    store.beforeNextAppend(async () => {
      await run(cancelShipment);
    });
    const refused = await refusal(assign('PICK-1'));
    expect(refused).toMatchObject({ rule: missionRules.stopped });
    expect(store.types(missionId)).toEqual(['MissionCreated', 'MissionCancelled']);
    expect(store.calls.filter((c) => c.op === 'append')).toEqual([
      { op: 'append', streamIds: [missionId], written: false },
    ]);
  });
});
