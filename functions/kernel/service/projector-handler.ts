import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { KernelConfigurationError } from '../errors.js';
import type { DomainEvent } from '../events/catalogue.js';
import { parseEventBridgeEvent } from '../events/parse.js';
import { type HandlerTools, withObservability } from '../observability.js';
import { createProjector } from '../projection/dynamodb.js';
import type { Projection, ProjectionOutcome, Projector } from '../projection/index.js';
import {
  isSqsEvent,
  projectQueuedEvents,
  type QueuedProjector,
  type SqsBatchResponse,
} from '../projection/index.js';
import { documentClient, EVENT_STORE_TABLE_ENV, eventStoreFromEnvironment } from '../store/dynamodb.js';
import type { EventStore } from '../store/index.js';

export type ReadModelBinding = ProjectionBinding | ProjectorBinding;

export interface ProjectionBinding {
  // biome-ignore lint/suspicious/noExplicitAny: a list of projections of different view types
  readonly projection: Projection<any, DomainEvent>;
  /** The environment variable holding the read-model table's name (`ServiceStack.grantReadModel`). */
  readonly tableEnv: string;
}

/**
 * A read model the kernel projector does not keep as one item per view (e.g. one kept by delta across many
 * items): its own projector, fed the same batches and reporting its failures the same way; never caught up
 * from the store.
 */
export interface ProjectorBinding {
  readonly name: string;
  readonly tableEnv: string;
  readonly createProjector: (client: DynamoDBDocumentClient, tableName: string) => Projector;
}

export interface ProjectorHandlerOptions {
  readonly service: string;
  readonly readModels: readonly ReadModelBinding[];
  /**
   * Catch gaps up from the service's own event store (for events of its own streams); events of other
   * services are parked in the view until their gap fills instead. With the store, an event under the
   * service's own source is projected only if the store holds it as delivered (its eventId at its stream and
   * version): whoever could put an event on the bus under the service's source cannot write its views.
   * @default true when the function has EVENT_STORE_TABLE_NAME
   */
  readonly catchUpFromStore?: boolean;
  readonly env?: Record<string, string | undefined>;
}

interface ReadModelProjectors {
  readonly name: string;
  /** Parks events ahead of a gap. */
  readonly parking: Projector;
  /** Reads a gap from the service's own store; only for the service's own events. */
  readonly catchingUp: Projector | undefined;
}

/**
 * The Lambda handler of a service's projectors: every read model an event concerns updated — idempotent by
 * stream version and right whatever the delivery order (the kernel projector). It takes either one
 * EventBridge event (a rule invoking the function) or an SQS batch of them (a rule sending to a queue that an
 * event source mapping reads): then each view is read and written once per batch, and the records whose
 * events could not be applied come back as `batchItemFailures` (the mapping needs `ReportBatchItemFailures`).
 */
export function projectorHandler(options: ProjectorHandlerOptions) {
  const env = options.env ?? process.env;
  let projectors: readonly ReadModelProjectors[] | undefined;
  let store: EventStore | undefined;

  // Built on the first event (not at import), so a misconfigured function fails an invocation with a clear
  // error instead of its init.
  const build = (capture: (client: DynamoDBClient) => DynamoDBClient): readonly ReadModelProjectors[] => {
    const client = documentClient(capture(new DynamoDBClient({})));
    const useStore = options.catchUpFromStore ?? Boolean(env[EVENT_STORE_TABLE_ENV]);
    store = useStore ? eventStoreFromEnvironment({ env, capture }) : undefined;
    return options.readModels.map((binding) => {
      const { tableEnv } = binding;
      const tableName = env[tableEnv];
      if (!tableName) {
        throw new KernelConfigurationError(`${tableEnv} is not set: grant this projector its read model`);
      }
      if ('createProjector' in binding) {
        return {
          name: binding.name,
          parking: binding.createProjector(client, tableName),
          catchingUp: undefined,
        };
      }
      const { projection } = binding;
      return {
        name: projection.name,
        parking: createProjector({ client, tableName, projection }),
        catchingUp: store ? createProjector({ client, tableName, projection, reader: store }) : undefined,
      };
    });
  };

  return withObservability<unknown, Record<string, ProjectionOutcome> | SqsBatchResponse>(
    { service: options.service },
    async (event, context, tools) => {
      if (isSqsEvent(event)) {
        projectors ??= build((c) => tools.captureClient(c));
        const refused = await notInStore(store, options.service, event.Records);
        if (refused.length > 0) refuse(tools, refused);
        const own = (e: DomainEvent) => e.source === options.service;
        const queued = projectors.flatMap(({ parking, catchingUp }): QueuedProjector[] =>
          catchingUp
            ? [
                { projector: catchingUp, accepts: (e) => own(e) && !refused.includes(e.eventId) },
                { projector: parking, accepts: (e) => !own(e) },
              ]
            : [{ projector: parking }],
        );
        // Clashes on a busy view are retried while the invocation has time: a batch given up goes back to the
        // queue, and each return spends a receive on the way to the dead-letter queue.
        const retryUntil = Date.now() + context.getRemainingTimeInMillis() * 0.75;
        const report = await projectQueuedEvents(event.Records, queued, { retryUntil });
        tools.metrics.addMetric(
          'EventsProjected',
          MetricUnit.Count,
          event.Records.length - report.failures.length,
        );
        if (report.failures.length > 0) {
          tools.metrics.addMetric('EventsNotProjected', MetricUnit.Count, report.failures.length);
          tools.logger.warn('events not projected; the queue will deliver them again', {
            failures: report.failures.map(({ messageId, eventId, error }) => ({
              messageId,
              eventId,
              error: error instanceof Error ? { name: error.name, message: error.message } : String(error),
            })),
          });
        }
        tools.logger.info('projected a batch', { records: event.Records.length, outcomes: report.outcomes });
        return { batchItemFailures: report.batchItemFailures };
      }
      const envelope = parseEventBridgeEvent(event);
      projectors ??= build((c) => tools.captureClient(c));
      const own = envelope.source === options.service;
      const outcomes: Record<string, ProjectionOutcome> = {};
      if (own && store && !(await heldByStore(store, envelope))) {
        refuse(tools, [envelope.eventId]);
        for (const { name } of projectors) outcomes[name] = 'ignored';
        return outcomes;
      }
      for (const { name, parking, catchingUp } of projectors) {
        outcomes[name] = await (own && catchingUp ? catchingUp : parking).project(envelope);
      }
      tools.logger.info('projected', { event: envelope.type, streamId: envelope.streamId, outcomes });
      return outcomes;
    },
  );
}

/**
 * Whether the service's store holds the event as delivered: the same eventId at its stream and version. The
 * relay publishes an event only after its append, so a genuine one is always there (a strongly consistent read).
 */
async function heldByStore(store: EventStore, event: DomainEvent): Promise<boolean> {
  return (await store.heldEventIds([event])).has(event.eventId);
}

/**
 * The eventIds of the batch's own events that the store does not hold, asked in one BatchGetItem per 100
 * (unreadable records are left to the batch).
 */
async function notInStore(
  store: EventStore | undefined,
  service: string,
  records: readonly { readonly body: string }[],
): Promise<string[]> {
  if (!store) return [];
  const own: DomainEvent[] = [];
  for (const record of records) {
    try {
      const event = parseEventBridgeEvent(JSON.parse(record.body));
      if (event.source === service) own.push(event);
    } catch {
      // Reported by the batch's own parse.
    }
  }
  if (own.length === 0) return [];
  const held = await store.heldEventIds(own);
  return own.filter((event) => !held.has(event.eventId)).map((event) => event.eventId);
}

function refuse(tools: HandlerTools, eventIds: readonly string[]): void {
  tools.metrics.addMetric('EventsNotInStore', MetricUnit.Count, eventIds.length);
  tools.logger.warn("refused events under this service's source that its store does not hold", { eventIds });
}
