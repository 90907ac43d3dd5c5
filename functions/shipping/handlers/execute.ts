import { ConcurrencyError } from '../../kernel/domain/errors.js';
import type { DomainEvent } from '../../kernel/events/catalogue.js';
import { createEvent, type NewEvent } from '../../kernel/events/metadata.js';
import type { CommandContext } from '../../kernel/service/command-handler.js';
import type { EventStore } from '../../kernel/store/index.js';
import { handleCommand, type MetadataSource, newStream } from '../../kernel/store/index.js';
import {
  aggregateOf,
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
 * dispatcher, which never creates shipments), the deployment's countries decide alone.
 */
export function shippingExecutor(config: ShippingRuntimeConfig, carrier?: CarrierFactory) {
  let client: CarrierClient | undefined;
  const carrierClient = carrier
    ? (tools: CommandContext['tools'] | undefined) => (client ??= carrier(tools))
    : undefined;
  const shipments = createShipmentDecider(config);
  return async (command: ShippingCommand, context: Context): Promise<Outcome> => {
    if (aggregateOf(command) === 'mission') {
      return executeMission(command as MissionCommand, context, shipments);
    }
    const shipmentCommand = command as ShipmentCommand;
    if (shipmentCommand.type === 'CreateShipment') {
      return createShipment(shipmentCommand, context, shipments, config, carrierClient);
    }
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
  for (let attempt = 1; ; attempt++) {
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
    const events = facts.map((fact, i) => envelope(fact, shipmentId, shipment.version + i + 1, metadata));
    const writes =
      events.length > 0 ? [{ streamId: shipmentId, expectedVersion: shipment.version, events }] : [];
    if (facts.some((f) => f.type === 'ShipmentCreated')) {
      // A shipment being created has no mission yet (both are written in one transaction): the first attempt
      // decides on a new mission without reading it; one created apart (CreateMission) clashes, and the
      // retry reads it.
      const mission =
        attempt === 1 ? newStream(missionDecider) : await store.rehydrate(missionId, missionDecider);
      const missionFacts = missionDecider.decide(
        {
          type: 'CreateMission',
          data: { missionId, shipmentId, orderId, warehouseId },
          metadata: command.metadata,
        },
        mission.state,
      );
      const missionEvents = missionFacts.map((fact, i) =>
        envelope(fact, missionId, mission.version + i + 1, metadata),
      );
      if (missionEvents.length > 0) {
        writes.push({ streamId: missionId, expectedVersion: mission.version, events: missionEvents });
      }
    }
    try {
      // Both versions were just read: see AppendOptions.versionFromRead.
      if (writes.length > 0) await store.appendMany(writes, { versionFromRead: true });
    } catch (error) {
      if (error instanceof ConcurrencyError && attempt < MAX_ATTEMPTS) continue;
      throw error;
    }
    failIfFailed(shipmentId, state);
    return {
      events: writes.flatMap((w) => w.events as DomainEvent[]),
      result: shipmentResult(shipmentId, missionId, state),
    };
  }
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
 * Mission commands. The mission cannot record that its shipment was cancelled (the catalogue has no such
 * event), so the handler reads the shipment stream and says so: whatever the caller put in
 * `shipmentCancelled` is replaced by the truth.
 */
async function executeMission(
  command: MissionCommand,
  { store, metadata }: Context,
  shipments: ShipmentDecider,
): Promise<Outcome> {
  const { missionId } = command.data;
  // The mission read to find its shipment is the one the command decides on first (one read, not two); an
  // append that clashes with another writer reads it afresh. CreateMission has no shipment to ask about.
  const mission =
    command.type === 'CreateMission' ? undefined : await store.rehydrate(missionId, missionDecider);
  const typed = mission
    ? ({
        ...command,
        data: {
          ...command.data,
          shipmentCancelled: await shipmentCancelled(store, mission.state, shipments),
        },
      } as MissionCommand)
    : command;
  const { events, state } = await handleCommand({
    store,
    decider: missionDecider,
    streamId: missionId,
    command: typed,
    metadata,
    ...(mission ? { loaded: mission } : {}),
  });
  return { events, result: missionResult(missionId, state) };
}

async function shipmentCancelled(store: EventStore, mission: MissionState, shipments: ShipmentDecider) {
  if (mission.status === 'NONE') return false; // the decider answers NotFound
  const shipment = await store.rehydrate(mission.shipmentId, shipments);
  return shipment.state.status === 'CANCELLED';
}

function envelope(
  fact: { readonly type: string; readonly data: unknown },
  streamId: string,
  streamVersion: number,
  metadata: MetadataSource,
): DomainEvent {
  const input = { type: fact.type, data: fact.data, streamId, streamVersion } as NewEvent<
    DomainEvent['type']
  >;
  return createEvent(input, metadata()) as DomainEvent;
}
