import { Duration, type RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import type { Construct } from 'constructs';
import { EVENT_BUS_NAME_ENV } from '../../functions/kernel/publisher.js';
import { type PlatformConfig, runtimeEnvironment } from '../config.js';
import {
  type SubscribeOptions,
  type Subscription,
  SubscriptionTargets,
} from '../constructs/domain-event-bus.js';
import { EventQueue, type EventQueueProps } from '../constructs/event-queue.js';
import { EventStore, IdempotencyTable, serviceTableProps } from '../constructs/event-store.js';
import { ServiceDiscovery } from '../constructs/service-discovery.js';
import { ServiceFunction, type ServiceFunctionProps } from '../constructs/service-function.js';
import { functionDefaults } from './function-defaults.js';
import type { PlatformStack } from './platform-stack.js';
import { publisherRoleName } from './publishers.js';
import { dataRemovalPolicy } from './retention.js';

export interface ServiceStackProps extends StackProps {
  readonly config: PlatformConfig;
  readonly platform: PlatformStack;
}

export interface ServiceOptions {
  /** The bounded context's name: Powertools service, event source (`commerceforge.<service>`). */
  readonly service: string;
  /**
   * Whether the service keeps an event store (with its outbox relay). A read-side-only service (analytics)
   * does not.
   * @default true
   */
  readonly eventSourced?: boolean;
}

export type ServiceFunctionOptions = Omit<ServiceFunctionProps, 'service' | 'logLevel' | 'tracing'>;

/** How a projector takes its events off its queue; the defaults suit a read model people wait to see. */
export type ProjectorQueueOptions = Pick<
  EventQueueProps,
  'batchSize' | 'maxBatchingWindow' | 'maxConcurrency'
>;

/**
 * A projector's queue, unless it says otherwise: batches of up to 10 events with no batching window (what is
 * waiting is taken at once, so a read model lags by one poll, not a window), two batches at a time
 * (`PROJECTOR_MAX_CONCURRENCY` in the configuration changes it for every projector). The
 * concurrency is the bulkhead: a burst (a sale, a replay) waits in the queue instead of taking the account's
 * concurrency from the command path, and few writers contend for one view's optimistic `_rev`. Each view is
 * read and written once per batch (the kernel's `projectQueuedEvents`), so ten events of one order cost one
 * read and one write instead of ten of each.
 */
export const PROJECTOR_QUEUE_DEFAULTS = {
  batchSize: 10,
  maxConcurrency: 2,
} as const satisfies ProjectorQueueOptions;

/**
 * For read models nobody watches change (a product's rating, which orders may be reviewed, whom to notify,
 * the sales figures): up to 100 events gathered for up to a second. Under load a batch then holds many
 * events, for a second more of lag; a read model a customer watches (an order's status) keeps the defaults.
 */
export const BACKGROUND_PROJECTOR_QUEUE = {
  batchSize: 100,
  maxBatchingWindow: Duration.seconds(1),
} as const satisfies ProjectorQueueOptions;

/** A projector's timeout: a batch of views is a few DynamoDB calls each, with retries of clashes. */
export const PROJECTOR_TIMEOUT = Duration.seconds(30);

export interface ReadModelOptions {
  /** The view's key attribute. @default 'id' */
  readonly partitionKey?: string;
  /** Environment variable the table name reaches readers and projectors in. */
  readonly environmentVariable: string;
  /** Global secondary indexes for queries that are not by key (e.g. a customer's orders). @default - none */
  readonly globalSecondaryIndexes?: readonly dynamodb.GlobalSecondaryIndexProps[];
}

/**
 * One bounded context: its event store with the outbox relay, its idempotency table, its read models and
 * its functions, all with the platform's defaults. Each service stack (users, orders, ...) extends this and
 * only says what is its own: which functions, which read models, which events it reacts to. Rules live here,
 * in the subscriber's stack, never in the platform's (that would be a dependency cycle).
 */
export abstract class ServiceStack extends Stack {
  public readonly service: string;
  public readonly config: PlatformConfig;
  public readonly platform: PlatformStack;
  /**
   * The stage's policy for every stateful resource of the service (tables, queues, log groups): set once
   * here from the configuration; retained tables are also protected from deletion.
   */
  public readonly removalPolicy: RemovalPolicy;
  private readonly eventStore: EventStore | undefined;
  public readonly idempotency: IdempotencyTable;
  public readonly readModels: Record<string, dynamodb.Table> = {};
  /** The service's functions by id (`Commands`, `Projector`, ...): what sagas and the API stack invoke. */
  public readonly functions: Record<string, ServiceFunction> = {};
  private readonly readModelEnv = new Map<dynamodb.Table, string>();
  /** Each read model's global secondary indexes, by name: readers outside the stack grant them by name. */
  public readonly readModelIndexes = new Map<dynamodb.Table, readonly string[]>();
  /**
   * What the service publishes for others under `/commerceforge/<stage>/<service>/`: its event store's table,
   * each read model's table and its Commands function's `live` alias ARN, set here as they are added; a stack
   * publishes more with `discovery.publish`.
   */
  public readonly discovery: ServiceDiscovery;

  protected constructor(scope: Construct, id: string, options: ServiceOptions, props: ServiceStackProps) {
    super(scope, id, props);
    const { service } = options;
    this.service = service;
    this.config = props.config;
    this.platform = props.platform;
    this.removalPolicy = dataRemovalPolicy(this.config);
    this.discovery = new ServiceDiscovery(this, 'Discovery', { stage: this.config.stage, service });

    this.eventStore =
      options.eventSourced === false
        ? undefined
        : new EventStore(this, 'EventStore', {
            service,
            eventBus: this.platform.bus.eventBus,
            removalPolicy: this.removalPolicy,
            pointInTimeRecovery: this.config.stageDefaults.pointInTimeRecovery,
            alarmTopic: this.platform.alarmTopic,
            relayFunction: functionDefaults(this.config),
            relayRoleName: publisherRoleName(this.config.stage, service),
          });
    if (this.eventStore)
      this.discovery.publish('event-store/table-name', this.eventStore.table.tableName, {
        description: `${service}: the event store table`,
      });
    this.idempotency = new IdempotencyTable(this, 'Idempotency', {
      removalPolicy: this.removalPolicy,
      pointInTimeRecovery: this.config.stageDefaults.pointInTimeRecovery,
    });
  }

  /** The service's event store (and outbox). Throws for a service that is not event-sourced. */
  public get store(): EventStore {
    if (!this.eventStore) throw new Error(`${this.service} keeps no event store`);
    return this.eventStore;
  }

  /**
   * A function of this service, with the platform's configuration in its environment. Its reserved
   * concurrency (a bulkhead) is the configuration's for `<service>/<id>` when set there, else the stack's.
   */
  protected addFunction(id: string, options: ServiceFunctionOptions): ServiceFunction {
    const reserved = this.config.bulkheads.reservedConcurrency[`${this.service}/${id}`];
    const fn = new ServiceFunction(this, id, {
      ...functionDefaults(this.config),
      ...options,
      ...(reserved === undefined ? {} : { reservedConcurrentExecutions: reserved }),
      service: this.service,
      environment: {
        ...runtimeEnvironment(this.config),
        [EVENT_BUS_NAME_ENV]: this.platform.bus.eventBus.eventBusName,
        ...options.environment,
      },
    });
    this.functions[id] = fn;
    // What other services invoke (sagas, resolvers): a service's commands, through the live alias.
    if (id === 'Commands')
      this.discovery.publish('commands/function-arn', fn.alias.functionArn, {
        description: `${this.service}: the Commands function's live alias`,
      });
    return fn;
  }

  /** A read-model table (a CQRS view), kept by projectors and read by queries. */
  protected addReadModel(id: string, options: ReadModelOptions): dynamodb.Table {
    const table = new dynamodb.Table(
      this,
      id,
      serviceTableProps({
        partitionKey: { name: options.partitionKey ?? 'id', type: dynamodb.AttributeType.STRING },
        // A view can be rebuilt from the store, but not in a moment: it follows the stage like the store.
        removalPolicy: this.removalPolicy,
        pointInTimeRecovery: this.config.stageDefaults.pointInTimeRecovery,
      }),
    );
    // Grants on the table cover its indexes (`<table>/index/*`) once it has one.
    for (const index of options.globalSecondaryIndexes ?? []) table.addGlobalSecondaryIndex(index);
    this.readModelIndexes.set(
      table,
      (options.globalSecondaryIndexes ?? []).map((i) => i.indexName),
    );
    this.readModels[id] = table;
    this.readModelEnv.set(table, options.environmentVariable);
    this.discovery.publish(`read-models/${kebab(id)}/table-name`, table.tableName, {
      description: `${this.service}: the ${id} read model's table`,
    });
    return table;
  }

  /** Lets `fn` read (and, with `write`, keep) a read model; its name arrives in the model's variable. */
  protected grantReadModel(table: dynamodb.Table, fn: ServiceFunction, access: 'read' | 'write'): void {
    const variable = this.readModelEnv.get(table);
    if (!variable) throw new Error(`${table.node.path} is not a read model of ${this.stackName}`);
    fn.function.addEnvironment(variable, table.tableName);
    if (access === 'write') table.grantReadWriteData(fn.alias);
    else table.grantReadData(fn.alias);
    if ((this.readModelIndexes.get(table) ?? []).length > 0) {
      const logicalId = this.getLogicalId(table.node.defaultChild as dynamodb.CfnTable);
      Validations.of(fn.function).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>/index/*]`,
        reason: `CDK's table grants cover the ${this.service} read model's own indexes (<table>/index/*), nothing else.`,
      });
    }
  }

  /**
   * Runs `fn` (through its live alias) on every event matching the pattern: EventBridge's retries and a DLQ
   * for the delivery, Lambda's retries and a failure queue (on the alias) for the function's errors.
   */
  protected subscribe(
    id: string,
    fn: ServiceFunction,
    eventPattern: events.EventPattern,
    options: Omit<SubscribeOptions, 'eventPattern' | 'target'> = {},
  ): Subscription {
    return this.platform.bus.subscribe(this, id, {
      ...options,
      eventPattern,
      target: SubscriptionTargets.lambda(fn.alias),
    });
  }

  /**
   * A projector: a function that takes batches of events off its own queue (an `EventQueue`: retries, a
   * dead-letter queue that alarms, an alarm on the oldest message's age), fed by `project` rules.
   */
  protected addProjector(
    id: string,
    options: ServiceFunctionOptions & { readonly queue?: ProjectorQueueOptions },
  ): { readonly fn: ServiceFunction; readonly queue: EventQueue } {
    const { queue: queueOptions, ...functionOptions } = options;
    const timeout = functionOptions.timeout ?? PROJECTOR_TIMEOUT;
    const fn = this.addFunction(id, { ...functionOptions, timeout });
    const queue = new EventQueue(this, `${id}Queue`, {
      ...PROJECTOR_QUEUE_DEFAULTS,
      maxConcurrency: this.config.bulkheads.projectorMaxConcurrency,
      ...queueOptions,
      consumer: fn.alias,
      consumerTimeout: timeout,
      alarmTopic: this.platform.alarmTopic,
      removalPolicy: this.removalPolicy,
    });
    return { fn, queue };
  }

  /** Sends every event matching the pattern to a projector's queue (EventBridge's retries and DLQ on the way). */
  protected project(id: string, queue: EventQueue, eventPattern: events.EventPattern): Subscription {
    return this.platform.bus.subscribe(this, id, {
      eventPattern,
      target: SubscriptionTargets.queue(queue.queue),
    });
  }
}

/** `PaymentView` → `payment-view`: construct ids as discovery names. */
function kebab(id: string): string {
  return id.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}
