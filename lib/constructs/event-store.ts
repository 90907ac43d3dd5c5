import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { SOURCE_PREFIX } from '../../functions/kernel/events/envelope.js';
import { IDEMPOTENCY_TABLE_ENV } from '../../functions/kernel/idempotency.js';
import { EVENT_BUS_NAME_ENV } from '../../functions/kernel/publisher.js';
import { EVENT_STORE_TABLE_ENV } from '../../functions/kernel/store/dynamodb.js';
import { ITEM_KINDS, KEY } from '../../functions/kernel/store/index.js';
import { grantPublish } from './domain-event-bus.js';
import { ServiceFunction, type ServiceFunctionProps } from './service-function.js';

const RELAY_ENTRY = fileURLToPath(new URL('../../functions/kernel/relay/handler.ts', import.meta.url));

/** A function to grant to: a ServiceFunction (its role, and its environment gets the table name) or any grantee. */
export type Grantee = ServiceFunction | iam.IGrantable;

const principalOf = (grantee: Grantee): iam.IGrantable =>
  grantee instanceof ServiceFunction ? grantee.alias : grantee;

/** Whether a removal policy keeps the resource when the stack deletes (or replaces) it. */
export const retains = (policy: RemovalPolicy): boolean =>
  policy === RemovalPolicy.RETAIN || policy === RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE;

/**
 * The platform's defaults for a service's table: on demand, point-in-time recovery, AWS-managed encryption.
 * Shared by the event store, read models, the idempotency table and the payment-token vault. A table that
 * the stack retains is also protected from deletion (DeletionProtectionEnabled): the removal policy is the
 * one setting, so data the stage keeps cannot be deleted by a stack nor by a click.
 */
export function serviceTableProps(props: {
  readonly partitionKey: dynamodb.Attribute;
  readonly sortKey?: dynamodb.Attribute;
  readonly tableName?: string;
  readonly removalPolicy: RemovalPolicy;
  readonly pointInTimeRecovery?: boolean;
  readonly timeToLiveAttribute?: string;
  readonly stream?: dynamodb.StreamViewType;
}): dynamodb.TableProps {
  return {
    partitionKey: props.partitionKey,
    sortKey: props.sortKey,
    tableName: props.tableName,
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    encryption: dynamodb.TableEncryption.AWS_MANAGED,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: props.pointInTimeRecovery ?? true },
    timeToLiveAttribute: props.timeToLiveAttribute,
    stream: props.stream,
    removalPolicy: props.removalPolicy,
    deletionProtection: retains(props.removalPolicy),
  };
}

export interface RelayOptions {
  /** Records per invocation. @default 100 */
  readonly batchSize?: number;
  /** How long to gather records before invoking. @default - invoke as soon as records arrive */
  readonly maxBatchingWindow?: Duration;
  /** Retries of a failing batch (bisected on each error) before it goes to the on-failure queue. @default 10 */
  readonly retryAttempts?: number;
  /** Concurrent batches per shard; order per stream id is kept at any factor. @default 1 */
  readonly parallelizationFactor?: number;
  /** Alarm when the relay lags the store by more than this (the IteratorAge metric). @default Duration.minutes(1) */
  readonly maxLag?: Duration;
}

export interface EventStoreProps {
  /** The bounded context that owns the store (`orders`, `inventory`, ...): the relay's service name. */
  readonly service: string;
  /** Where the relay publishes the stored events, under the source `commerceforge.<service>` only. */
  readonly eventBus: events.IEventBus;
  /**
   * The relay's role name, when the bus policy names the publisher of the service's source (see
   * `DomainEventBusProps.publishers`).
   * @default - a name CloudFormation generates
   */
  readonly relayRoleName?: string;
  /** @default - a name CloudFormation generates */
  readonly tableName?: string;
  /**
   * The store is the system of record: by default it outlives the stack (so does its relay's failure queue),
   * and a retained table is protected from deletion.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /** @default true */
  readonly pointInTimeRecovery?: boolean;
  /** A TTL attribute, for items that should expire (never set on events by the kernel). @default - no TTL */
  readonly timeToLiveAttribute?: string;
  readonly relay?: RelayOptions;
  /** Extra settings of the relay function (log level, tracing, memory). */
  readonly relayFunction?: Partial<Omit<ServiceFunctionProps, 'service' | 'entry'>>;
  /** Where the alarms notify. @default - alarms without actions */
  readonly alarmTopic?: sns.ITopic;
}

/**
 * A service's event store and its outbox: the DynamoDB table (partition `streamId`, sort `version`, stream
 * NEW_IMAGE) and the relay function that publishes every inserted event to the bus. Handlers only append;
 * the relay is the one place events leave the service, with batch item failures, bisection, retries, an
 * on-failure queue and alarms on both the queue and the relay's lag.
 */
export class EventStore extends Construct {
  public readonly table: dynamodb.Table;
  public readonly relay: ServiceFunction;
  /** Where the descriptions of stream batches the relay gave up on go (replay them from the table). */
  public readonly relayFailureQueue: sqs.Queue;
  public readonly relayFailureAlarm: cloudwatch.Alarm;
  public readonly relayLagAlarm: cloudwatch.Alarm;
  public readonly eventSource: sources.DynamoEventSource;
  /** The table's and the relay's (failure queue, log group). */
  public readonly removalPolicy: RemovalPolicy;

  constructor(scope: Construct, id: string, props: EventStoreProps) {
    super(scope, id);
    const relayOptions = props.relay ?? {};
    this.removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    this.table = new dynamodb.Table(
      this,
      'Table',
      serviceTableProps({
        partitionKey: { name: KEY.partition, type: dynamodb.AttributeType.STRING },
        sortKey: { name: KEY.sort, type: dynamodb.AttributeType.NUMBER },
        tableName: props.tableName,
        removalPolicy: this.removalPolicy,
        pointInTimeRecovery: props.pointInTimeRecovery,
        timeToLiveAttribute: props.timeToLiveAttribute,
        stream: dynamodb.StreamViewType.NEW_IMAGE,
      }),
    );

    this.relayFailureQueue = new sqs.Queue(this, 'RelayFailures', {
      removalPolicy: this.removalPolicy,
      retentionPeriod: Duration.days(14),
      enforceSSL: true,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
    });
    Validations.of(this.relayFailureQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is the on-failure destination of the relay event source mapping; it has no DLQ of its own.',
    });

    this.relay = new ServiceFunction(this, 'Relay', {
      description: `Outbox relay: the ${props.service} event store stream to the event bus`,
      timeout: Duration.seconds(30),
      removalPolicy: this.removalPolicy,
      ...props.relayFunction,
      service: props.service,
      entry: RELAY_ENTRY,
      environment: { ...props.relayFunction?.environment, [EVENT_BUS_NAME_ENV]: props.eventBus.eventBusName },
      ...(props.relayRoleName !== undefined && { roleName: props.relayRoleName }),
    });
    // The relay speaks for its own service only (the kernel's publisher sets Source from the envelope).
    grantPublish(props.eventBus, this.relay.alias, [`${SOURCE_PREFIX}${props.service}`]);

    this.eventSource = new sources.DynamoEventSource(this.table, {
      // From the oldest record: a mapping created after the first appends must not skip them.
      startingPosition: lambda.StartingPosition.TRIM_HORIZON,
      batchSize: relayOptions.batchSize ?? 100,
      maxBatchingWindow: relayOptions.maxBatchingWindow,
      parallelizationFactor: relayOptions.parallelizationFactor ?? 1,
      bisectBatchOnError: true,
      reportBatchItemFailures: true,
      retryAttempts: relayOptions.retryAttempts ?? 10,
      onFailure: new sources.SqsDlq(this.relayFailureQueue),
      filters: [
        lambda.FilterCriteria.filter({
          eventName: lambda.FilterRule.isEqual('INSERT'),
          dynamodb: { NewImage: { kind: { S: lambda.FilterRule.isEqual(ITEM_KINDS.event) } } },
        }),
      ],
    });
    // On the alias: the stream invokes the version traffic shifting points at.
    this.relay.alias.addEventSource(this.eventSource);

    this.relayFailureAlarm = new cloudwatch.Alarm(this, 'RelayFailuresAlarm', {
      alarmDescription: `Events of ${this.node.path} could not be published: see the relay's on-failure queue.`,
      metric: this.relayFailureQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.relayLagAlarm = new cloudwatch.Alarm(this, 'RelayLagAlarm', {
      alarmDescription: `The relay of ${this.node.path} is behind the event store: events reach the bus late.`,
      metric: this.relay.alias.metric('IteratorAge', { statistic: 'Maximum', period: Duration.minutes(1) }),
      threshold: (relayOptions.maxLag ?? Duration.minutes(1)).toMilliseconds(),
      evaluationPeriods: 3,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    if (props.alarmTopic) {
      for (const alarm of [this.relayFailureAlarm, this.relayLagAlarm]) {
        alarm.addAlarmAction(new cwActions.SnsAction(props.alarmTopic));
      }
    }
  }

  /** Load streams and snapshots (query handlers, projectors catching up, the rebuild). */
  grantRead(grantee: Grantee): iam.Grant {
    this.setTableEnvironment(grantee);
    return iam.Grant.addToPrincipal({
      grantee: principalOf(grantee),
      actions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan', 'dynamodb:DescribeTable'],
      resourceArns: [this.table.tableArn],
    });
  }

  /**
   * Load and append (command handlers): conditional puts and condition checks inside transactions, and
   * snapshot writes. No update and no delete: the store is append-only to its writers.
   */
  grantAppend(grantee: Grantee): iam.Grant {
    this.grantRead(grantee);
    return iam.Grant.addToPrincipal({
      grantee: principalOf(grantee),
      actions: ['dynamodb:PutItem', 'dynamodb:ConditionCheckItem'],
      resourceArns: [this.table.tableArn],
    });
  }

  private setTableEnvironment(grantee: Grantee): void {
    if (grantee instanceof ServiceFunction) {
      grantee.function.addEnvironment(EVENT_STORE_TABLE_ENV, this.table.tableName);
    }
  }
}

export interface IdempotencyTableProps {
  /** @default - a name CloudFormation generates */
  readonly tableName?: string;
  /**
   * Idempotency records are a day's memory; the stage decides whether the table outlives the stack (a
   * retained table is protected from deletion). @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
  /** @default true */
  readonly pointInTimeRecovery?: boolean;
}

/**
 * The table Powertools idempotency keeps its records in: partition `id`, TTL on `expiration` (its
 * DynamoDBPersistenceLayer's defaults). One per service, shared by its handlers (keys are scoped by function).
 */
export class IdempotencyTable extends Construct {
  public readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: IdempotencyTableProps = {}) {
    super(scope, id);
    this.table = new dynamodb.Table(
      this,
      'Table',
      serviceTableProps({
        partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
        tableName: props.tableName,
        removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY,
        pointInTimeRecovery: props.pointInTimeRecovery,
        timeToLiveAttribute: 'expiration',
      }),
    );
  }

  /** What the persistence layer does: get, put (conditional), update, delete its records. */
  grant(grantee: Grantee): iam.Grant {
    if (grantee instanceof ServiceFunction) {
      grantee.function.addEnvironment(IDEMPOTENCY_TABLE_ENV, this.table.tableName);
    }
    return iam.Grant.addToPrincipal({
      grantee: principalOf(grantee),
      actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
      resourceArns: [this.table.tableArn],
    });
  }
}
