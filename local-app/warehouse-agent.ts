/**
 * The simulated warehouse (and carrier) of the local cloud. On AWS, fulfillment tasks are assigned to and
 * completed by people with a device (AssignTask / CompleteTask through the shipping Commands function), and
 * the carrier reports delivery; locally this plugin plays both, so a placed order ships on its own:
 *
 * - after MissionCreated, TaskAssigned or TaskCompleted on the bus, it folds the event into the mission as it
 *   knows it (reading the shipping event store only when an event does not follow on), asks the domain's pure
 *   policy (`nextAgentStep`) what the agent does next and after how long,
 *   waits that long times the time scale, and invokes the shipping Commands function (its `live` alias) with
 *   the command — the same path a device would take;
 * - after MissionCancelled (written with the shipment's cancellation) it folds it too: the mission is no
 *   longer ACTIVE, so the agent forgets it and sends nothing more;
 * - after ShipmentDispatched it waits the simulated transit time and invokes DeliverShipment.
 *
 * MissionCompleted → DispatchShipment is not simulated: it is the shipping service's own reaction
 * (functions/shipping/handlers/on-mission-completed.ts), deployed on AWS too.
 *
 * WAREHOUSE_AGENT_TIME_SCALE scales every delay (default 0.02: the 91 simulated seconds of a mission take
 * about 2 s); WAREHOUSE_AGENT=off turns the plugin off.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DomainEvent } from '../functions/kernel/events/catalogue.js';
import { createEventStore, documentClient } from '../functions/kernel/store/dynamodb.js';
import type { EventStore } from '../functions/kernel/store/index.js';
import {
  type AgentStep,
  type MissionFact,
  type MissionState,
  missionDecider,
  nextAgentStep,
} from '../functions/shipping/domain/index.js';
import { LocalRole } from '../lib/local-roles.js';
import type { LocalCloud } from '../local/core/local-cloud.js';
import type { LocalCloudPlugin } from '../local/core/plugin.js';
import type { AcceptedEvent, LocalEventBridge } from '../local/eventbridge/runtime.js';
import { Concurrency } from '../local/lambda/pool.js';
import { nameOfRole } from './resources.js';

export const WAREHOUSE_AGENT_ACTOR = { type: 'system', id: 'warehouse-agent-sim' } as const;
/** Simulated carrier transit, dispatch to delivery. */
export const SIMULATED_TRANSIT_SECONDS = 120;

export interface WarehouseAgentOptions {
  /** The local EventBridge whose events the agent watches. */
  readonly bridge: () => LocalEventBridge;
  /** Multiplies every simulated delay. @default WAREHOUSE_AGENT_TIME_SCALE, else 0.02 */
  readonly timeScale?: number;
  /** @default WAREHOUSE_AGENT !== 'off' */
  readonly enabled?: boolean;
  readonly transitSeconds?: number;
  /**
   * People on the warehouse floor: commands sent at once. A warehouse has a staff, not a person per task; with
   * one per task, a burst of 600 orders sent thousands of commands at once and the saga's own CreateShipment
   * queued behind them. @default WAREHOUSE_AGENTS, else 4
   */
  readonly agents?: number;
}

export interface WarehouseAgentAction {
  readonly at: string;
  readonly command: string;
  readonly subject: string;
  readonly outcome: 'ok' | string;
}

export interface WarehouseAgentPlugin extends LocalCloudPlugin {
  /** What the agent did, oldest first (for tests and the console). */
  readonly actions: readonly WarehouseAgentAction[];
}

const MISSION_EVENTS = new Set(['MissionCreated', 'TaskAssigned', 'TaskCompleted', 'MissionCancelled']);

export function warehouseAgentPlugin(options: WarehouseAgentOptions): WarehouseAgentPlugin {
  const enabled = options.enabled ?? process.env.WAREHOUSE_AGENT !== 'off';
  const envScale = Number(process.env.WAREHOUSE_AGENT_TIME_SCALE);
  const timeScale = options.timeScale ?? (Number.isFinite(envScale) && envScale >= 0 ? envScale : 0.02);
  const transitSeconds = options.transitSeconds ?? SIMULATED_TRANSIT_SECONDS;
  const staff = new Concurrency(
    options.agents ?? (Number(process.env.WAREHOUSE_AGENTS) || 4),
    'warehouse agents',
  );
  const timers = new Set<NodeJS.Timeout>();
  const scheduled = new Set<string>();
  const actions: WarehouseAgentAction[] = [];
  let unsubscribe: (() => void) | undefined;

  return {
    name: 'warehouse-agent',
    resourceTypes: [],
    actions,
    start(cloud: LocalCloud) {
      if (!enabled) return;
      const commands = nameOfRole(cloud, 'AWS::Lambda::Function', LocalRole.shippingCommands);
      const table = nameOfRole(cloud, 'AWS::DynamoDB::Table', LocalRole.shippingEventStore);
      if (!commands || !table) {
        cloud.logger.info('  warehouse-agent: no shipping service in this app, not started');
        return;
      }
      let store: EventStore | undefined;
      const storeOf = () =>
        (store ??= createEventStore({
          tableName: table,
          client: documentClient(
            new DynamoDBClient({
              endpoint: cloud.url,
              region: cloud.region,
              credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
            }),
          ),
        }));

      const later = (seconds: number, work: () => Promise<void>) => {
        const timer = setTimeout(
          () => {
            timers.delete(timer);
            work().catch((error) => cloud.logger.warn(`[warehouse-agent] ${String(error)}`));
          },
          seconds * timeScale * 1000,
        );
        timers.add(timer);
      };

      const send = async (
        command: AgentStep['command'] | { type: string; data: unknown },
        subject: string,
      ) => {
        await staff.take();
        let out: Awaited<ReturnType<typeof cloud.lambda.invoke>>;
        try {
          out = await cloud.lambda.invoke(`${commands}:live`, { command, actor: WAREHOUSE_AGENT_ACTOR });
        } finally {
          staff.give();
        }
        const error = out.functionError
          ? (out.payload as { errorType?: string } | undefined)?.errorType
          : undefined;
        actions.push({
          at: new Date().toISOString(),
          command: command.type,
          subject,
          outcome: error ?? 'ok',
        });
      };

      const missions = missionTracker((missionId) => storeOf().rehydrate(missionId, missionDecider));
      /**
       * Shipments the bus said were cancelled: the agent stops working on them. The mission's own
       * MissionCancelled says the same and the function refuses on it; this is for a ShipmentCancelled heard
       * before the mission event it came with (the bus does not promise order).
       */
      const cancelled = new Set<string>();

      const onMissionEvent = async (event: DomainEvent) => {
        const { missionId } = event.data as { missionId: string };
        const mission = await missions.after(event);
        if (mission.state.status !== 'ACTIVE') return;
        const step = nextAgentStep(mission.state, {
          shipmentCancelled: cancelled.has(mission.state.shipmentId),
        });
        if (!step) return;
        // The same event seen twice (a relay retry) must not start the same step twice.
        const key = `${missionId}/${step.command.type}/${step.command.data.taskId}`;
        if (scheduled.has(key)) return;
        scheduled.add(key);
        later(step.afterSeconds, () => send(step.command, missionId));
      };

      const onEvent = ({ event }: AcceptedEvent) => {
        if (event.source !== 'commerceforge.shipping') return;
        const detail = event.detail as DomainEvent;
        if (MISSION_EVENTS.has(detail.type)) {
          onMissionEvent(detail).catch((error) => cloud.logger.warn(`[warehouse-agent] ${String(error)}`));
        } else if (detail.type === 'ShipmentCancelled') {
          cancelled.add(detail.data.shipmentId);
        } else if (detail.type === 'ShipmentDispatched') {
          const { shipmentId } = detail.data;
          const key = `${shipmentId}/DeliverShipment`;
          if (scheduled.has(key)) return;
          scheduled.add(key);
          later(transitSeconds, () =>
            send(
              { type: 'DeliverShipment', data: { shipmentId, deliveredAt: new Date().toISOString() } },
              shipmentId,
            ),
          );
        }
      };
      unsubscribe = options.bridge().onEvent(onEvent);
      cloud.logger.info(
        `  warehouse-agent: simulating warehouse agents and the carrier (time scale ${timeScale})`,
      );
    },
    stop() {
      unsubscribe?.();
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
    health() {
      return { enabled, timeScale, actions: actions.length, pending: timers.size };
    },
  };
}

export interface KnownMission {
  readonly state: MissionState;
  readonly version: number;
}

/**
 * Active missions as their events told them: each mission event in stream order is folded into the state
 * last known, so the agent's next step costs no read. An event that does not follow on (a gap: the bus does
 * not promise order) reads the stream instead; one already folded (a redelivery) changes nothing. A mission
 * that is no longer ACTIVE is forgotten. Before, two store reads per mission event on the cloud's own thread
 * cost a tenth of the cloud's CPU per order.
 */
export function missionTracker(read: (missionId: string) => Promise<KnownMission>) {
  const missions = new Map<string, KnownMission>();
  return {
    /** The mission after this event of its stream. */
    async after(event: DomainEvent): Promise<KnownMission> {
      const { missionId } = event.data as { missionId: string };
      const known = missions.get(missionId);
      if (known && event.streamVersion <= known.version) return known;
      const next =
        event.streamVersion === (known?.version ?? 0) + 1
          ? {
              state: missionDecider.evolve(
                known?.state ?? missionDecider.initialState(),
                event as unknown as MissionFact,
              ),
              version: event.streamVersion,
            }
          : await read(missionId);
      const latest = missions.get(missionId);
      // A read that raced a later fold keeps the later state.
      if (latest && latest.version >= next.version) return latest;
      if (next.state.status === 'ACTIVE') missions.set(missionId, next);
      else missions.delete(missionId);
      return next;
    },
    /** Missions held (active ones). */
    get size() {
      return missions.size;
    },
  };
}
