import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KernelConfigurationError } from '../errors.js';
import type { DomainEvent } from '../events/catalogue.js';
import { parseEventBridgeEvent } from '../events/parse.js';
import { withObservability } from '../observability.js';
import { createProjector, type ProjectionOutcome, type Projector } from '../projection/projector.js';
import type { Projection, View } from '../projection/view.js';
import { documentClient, eventStoreFromEnvironment } from '../store/environment.js';
import type { EventStore } from '../store/event-store.js';

export interface ReadModelBinding {
  // biome-ignore lint/suspicious/noExplicitAny: a list of projections of different view types
  readonly projection: Projection<any, DomainEvent>;
  /** The environment variable holding the read-model table's name (`ServiceStack.grantReadModel`). */
  readonly tableEnv: string;
}

export interface ProjectorHandlerOptions {
  readonly service: string;
  readonly readModels: readonly ReadModelBinding[];
  /**
   * Catch up gaps from the service's own event store (events of its own streams). Events of other services
   * are parked until their gap fills instead.
   * @default true when the function has EVENT_STORE_TABLE_NAME
   */
  readonly catchUpFromStore?: boolean;
  readonly env?: Record<string, string | undefined>;
}

/**
 * The Lambda handler of a service's projectors: one EventBridge event in, every read model it concerns
 * updated — idempotent by stream version and right whatever the delivery order (the kernel projector).
 */
export function projectorHandler(options: ProjectorHandlerOptions) {
  const env = options.env ?? process.env;
  let projectors: { name: string; projector: Projector }[] | undefined;
  let store: EventStore | undefined;

  return withObservability<unknown, Record<string, ProjectionOutcome>>(
    { service: options.service },
    async (event, _context, tools) => {
      const envelope = parseEventBridgeEvent(event);
      if (!projectors) {
        const client = documentClient(tools.captureClient(new DynamoDBClient({})));
        const useStore = options.catchUpFromStore ?? Boolean(env.EVENT_STORE_TABLE_NAME);
        store = useStore ? eventStoreFromEnvironment({ env }) : undefined;
        projectors = options.readModels.map(({ projection, tableEnv }) => {
          const tableName = env[tableEnv];
          if (!tableName) {
            throw new KernelConfigurationError(`${tableEnv} is not set: grant this projector its read model`);
          }
          return { name: projection.name, projector: createProjector({ client, tableName, projection }) };
        });
      }
      const own = store && envelope.source === options.service;
      const outcomes: Record<string, ProjectionOutcome> = {};
      for (const { name } of projectors) outcomes[name] = 'ignored';
      for (const { name, projector } of projectors) {
        outcomes[name] = own
          ? await withReader(projector, name, options, env, store!).project(envelope)
          : await projector.project(envelope);
      }
      tools.logger.info('projected', { event: envelope.type, streamId: envelope.streamId, outcomes });
      return outcomes;
    },
  );
}

// Projectors that read gaps from the store are built per read model once, on first use.
const withStore = new WeakMap<Projector, Projector>();
function withReader(
  base: Projector,
  name: string,
  options: ProjectorHandlerOptions,
  env: Record<string, string | undefined>,
  store: EventStore,
): Projector {
  let projector = withStore.get(base);
  if (!projector) {
    const binding = options.readModels.find((b) => b.projection.name === name)!;
    projector = createProjector({
      client: documentClient(new DynamoDBClient({})),
      tableName: env[binding.tableEnv]!,
      projection: binding.projection,
      reader: store,
    });
    withStore.set(base, projector);
  }
  return projector;
}

export type { View };
