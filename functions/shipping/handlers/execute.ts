import type { Fact } from '../../kernel/domain/decider.js';
import { ConcurrencyError } from '../../kernel/domain/errors.js';
import type { DomainEvent } from '../../kernel/events/catalogue.js';
import type { CommandContext } from '../../kernel/service/command-handler.js';
import type { EventStore, Rehydrated, StreamWrite } from '../../kernel/store/index.js';
import { handleCommand, type MetadataSource, newStream, streamWrite } from '../../kernel/store/index.js';
import {
  aggregateOf,
  type CancelShipment,
  type CarrierBooking,
  type CreateShipment,
  createShipmentDecider,
  decideShipment,
  evolveShipment,
  type MissionCommand,
  type MissionState,
  missionDecider,
  missionIdFor,
  needsCarrierBooking,
  type ShipmentCommand,
  type ShipmentDecider,
  type ShipmentState,
  type ShippingCommand,
} from '../domain/index.js';
import type { CarrierClient } from './carrier-adapter.js';
import type { ShippingRuntimeConfig } from './config.js';
import { ShipmentFailedError } from './errors.js';
import { type MissionResult, missionResult, type ShipmentResult, shipmentResult } from './results.js';

export type ShippingResult = ShipmentResult | MissionResult;
type Context = Pick<CommandContext, 'store' | 'metadata'> & { readonly tools?: CommandContext['tools'] };
/** Makes the carrier client, once per environment, with the first invocation's tools (logger, metrics, tracer). */
type CarrierFactory = (tools: CommandContext['tools'] | undefined) => CarrierClient;
type Outcome = { events: readonly DomainEvent[]; result: ShippingResult };

const MAX_ATTEMPTS = 3;

/**
 * Routes each shipping command to its aggregate's stream: shipments (stream = the shipment id) and
 * fulfillment missions (stream = `mission-<shipmentId>`). CreateShipment writes the shipment and its mission
 * (MissionCreated with the pick/pack/label tasks) in one transaction, so a shipment never exists without the
 * work to ship it, and a retried CreateShipment (saga retry, redelivery) writes neither twice. With a
 * `carrier`, a CreateShipment not decided yet first books with the carrier (carrier-adapter.ts): a rejection
 * is recorded as ShipmentFailed, an outage (CarrierUnavailableError) records nothing. Without one (the
 * dispatcher, which never creates shipments), the deployment's countries decide alone. CancelShipment stops
 * the mission in the same transaction (MissionCancelled), so a mission command needs only its own stream to
 * know the shipment is cancelled.
 */
export function shippingExecutor(config: ShippingRuntimeConfig, carrier?: CarrierFactory) {
  let client: CarrierClient | undefined;
  const carrierClient = carrier
    ? (tools: CommandContext['tools'] | undefined) => (client ??= carrier(tools))
    : undefined;
  const shipments = createShipmentDecider(config);
  return async (command: ShippingCommand, context: Context): Promise<Outcome> => {
    if (aggregateOf(command) === 'mission') return executeMission(command as MissionCommand, context);
    const shipmentCommand = command as ShipmentCommand;
    if (shipmentCommand.type === 'CreateShipment') {
      return createShipment(shipmentCommand, context, shipments, config, carrierClient);
    }
    if (shipmentCommand.type === 'CancelShipment') return cancelShipment(shipmentCommand, context, shipments);
    const { shipmentId } = shipmentCommand.data;
    const { events, state } = await handleCommand({
      store: context.store,
      decider: shipments,
      streamId: shipmentId,
      command: shipmentCommand,
      metadata: context.metadata,
    });
    return { events, result: shipmentResult(shipmentId, missionIdFor(shipmentId), state) };
  };
}

async function createShipment(
  command: CreateShipment,
  { store, metadata, tools }: Context,
  shipments: ShipmentDecider,
  config: ShippingRuntimeConfig,
  carrier: ((tools: CommandContext['tools'] | undefined) => CarrierClient) | undefined,
): Promise<Outcome> {
  const { shipmentId, orderId, items, shippingAddress } = command.data;
  const { warehouseId } = config;
  const missionId = missionIdFor(shipmentId);
  let booking: CarrierBooking | undefined;
  const { writes, state } = await inOneTransaction(store, async (attempt) => {
    const shipment = await store.rehydrate(shipmentId, shipments);
    if (carrier && !booking && needsCarrierBooking(command, shipment.state, config)) {
      // An outage throws CarrierUnavailableError here, before anything is written.
      booking = await carrier(tools).book({
        shipmentId,
        orderId,
        country: shippingAddress.country,
        parcels: Math.max(1, Math.min(1000, items.length)),
      });
    }
    const facts = decideShipment(config, booking)(command, shipment.state);
    const state = facts.reduce(evolveShipment, shipment.state);
    const writes = streamWrites(shipmentId, shipment.version, facts, metadata);
    if (facts.some((f) => f.type === 'ShipmentCreated')) {
      // A shipment being created has no mission yet (both are written in one transaction): the first attempt
      // decides on a new mission without reading it; one created apart (CreateMission) clashes, and the
      // retry reads it.
      const mission =
        attempt === 1 ? newStream(missionDecider) : await store.rehydrate(missionId, missionDecider);
      const create: MissionCommand = {
        type: 'CreateMission',
        data: { missionId, shipmentId, orderId, warehouseId },
        metadata: command.metadata,
      };
      writes.push(...missionWrites(create, mission, metadata));
    }
    return { writes, state };
  });
  failIfFailed(shipmentId, state);
  return {
    events: writes.flatMap((w) => w.events as DomainEvent[]),
    result: shipmentResult(shipmentId, missionId, state),
  };
}

/**
 * A shipment cancelled before dispatch stops its mission in the same transaction (MissionCancelled), so the
 * mission alone answers whether work on it may go on. A mission command racing the cancellation clashes on
 * the mission stream's version, one side is re-read, and a task is never assigned or completed after the
 * cancellation is written. A cancellation that decides nothing (no shipment, already cancelled) reads no
 * mission.
 */
async function cancelShipment(
  command: CancelShipment,
  { store, metadata }: Context,
  shipments: ShipmentDecider,
): Promise<Outcome> {
  const { shipmentId, reason } = command.data;
  const missionId = missionIdFor(shipmentId);
  const { writes, state } = await inOneTransaction(store, async () => {
    const shipment = await store.rehydrate(shipmentId, shipments);
    const facts = shipments.decide(command, shipment.state);
    const state = facts.reduce(shipments.evolve, shipment.state);
    const writes = streamWrites(shipmentId, shipment.version, facts, metadata);
    if (facts.some((f) => f.type === 'ShipmentCancelled')) {
      const mission = await store.rehydrate(missionId, missionDecider);
      const cancel: MissionCommand = {
        type: 'CancelMission',
        data: { missionId, reason },
        metadata: command.metadata,
      };
      writes.push(...missionWrites(cancel, mission, metadata));
    }
    return { writes, state };
  });
  return {
    events: writes.flatMap((w) => w.events as DomainEvent[]),
    result: shipmentResult(shipmentId, missionId, state),
  };
}

/**
 * Appends what `plan` decided on the streams it just read, to every stream in one transaction. A clash with
 * another writer (ConcurrencyError) plans again on fresh reads, up to MAX_ATTEMPTS in all.
 */
async function inOneTransaction<T extends { readonly writes: readonly StreamWrite[] }>(
  store: EventStore,
  plan: (attempt: number) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const planned = await plan(attempt);
    try {
      // Every version was just read: see AppendOptions.versionFromRead.
      if (planned.writes.length > 0) await store.appendMany(planned.writes, { versionFromRead: true });
      return planned;
    } catch (error) {
      if (error instanceof ConcurrencyError && attempt < MAX_ATTEMPTS) continue;
      throw error;
    }
  }
}

/** The mission's side of a shipment command: what `command` decides on the mission as read. */
function missionWrites(
  command: MissionCommand,
  mission: Rehydrated<MissionState>,
  metadata: MetadataSource,
): StreamWrite[] {
  const facts = missionDecider.decide(command, mission.state);
  return streamWrites(command.data.missionId, mission.version, facts, metadata);
}

/** The write of `facts` after `version` of the stream, or none when there are no facts. */
function streamWrites(
  streamId: string,
  version: number,
  facts: readonly Fact[],
  metadata: MetadataSource,
): StreamWrite[] {
  return facts.length === 0 ? [] : [streamWrite(streamId, version, facts, metadata)];
}

/** The recorded outcome of a CreateShipment that could not ship: the saga's step fails for good. */
function failIfFailed(shipmentId: string, state: ShipmentState): void {
  if (state.status !== 'FAILED') return;
  throw new ShipmentFailedError(`no shipment for order ${state.orderId}: ${state.reason}`, {
    shipmentId,
    orderId: state.orderId,
    failureCode: state.code,
    reason: state.reason,
  });
}

/**
 * Mission commands read the mission stream only, once (handleCommand's read): its cancellation is recorded
 * there (MissionCancelled, written with the shipment's), so the mission's state says whether work may go on,
 * and a `shipmentCancelled` sent by the caller is passed on as given. An append that clashes with another
 * writer (a cancellation among them) reads the mission afresh and decides again.
 */
async function executeMission(command: MissionCommand, { store, metadata }: Context): Promise<Outcome> {
  const { missionId } = command.data;
  const { events, state } = await handleCommand({
    store,
    decider: missionDecider,
    streamId: missionId,
    command,
    metadata,
  });
  return { events, result: missionResult(missionId, state) };
}
