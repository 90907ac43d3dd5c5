import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as schemas from 'aws-cdk-lib/aws-eventschemas';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { AsyncInvokeFailures } from './async-invoke-failures.js';
import { deadLetterQueue, messageWaitingAlarm } from './dead-letters.js';

/** A source only some principals may put on the bus: the one service that speaks for itself under it. */
export interface EventPublisher {
  /** The EventBridge `Source`, e.g. `commerceforge.orders`. */
  readonly source: string;
  /** ARNs of the IAM roles that publish it, as `aws:PrincipalArn` gives them (role ARNs, not session ARNs). */
  readonly principalArns: readonly string[];
}

/** One JSON Schema for the registry: an event type at one version. */
export interface EventSchemaDefinition {
  /** Unique in the registry, e.g. `commerceforge.orders@OrderPlaced.v1`. */
  readonly schemaName: string;
  readonly description?: string;
  /** The JSON Schema (draft 4) document. */
  readonly content: object;
}

export interface DomainEventBusProps {
  /** @default - a name CloudFormation generates */
  readonly eventBusName?: string;
  /**
   * How long the archive keeps events for replay; `Duration.days(0)` keeps them indefinitely.
   * @default Duration.days(7)
   */
  readonly archiveRetention?: Duration;
  /**
   * Which events the archive keeps.
   * @default - every event whose source starts with `commerceforge.`
   */
  readonly archivePattern?: events.EventPattern;
  /** The Schema Registry's name. */
  readonly registryName: string;
  /** One entry per event type and version. */
  readonly schemas: readonly EventSchemaDefinition[];
  /**
   * Where the alarms of subscriptions notify: their dead-letter queues, and the failure queues of the
   * functions they invoke.
   * @default - alarms without actions
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * Whether the archive and the subscriptions' queues (dead letters, failure queues) outlive the stack.
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Sources reserved to their publishers: the bus policy denies `events:PutEvents` of each source to every
   * principal but its publishers. An explicit Deny in the bus's resource policy beats any Allow of an identity
   * policy, so a role allowed to put events (or the account's root) still cannot publish as another service.
   * @default - no reserved sources: whoever may put events on the bus may use any source
   */
  readonly publishers?: readonly EventPublisher[];
  /**
   * A source prefix that belongs to the publishers: a source under it that no publisher owns (a made-up
   * `commerceforge.payment`) is denied to everyone.
   * @default - sources outside `publishers` are not restricted
   */
  readonly reservedSourcePrefix?: string;
}

/** Statement ids allow `[A-Za-z0-9_-]`: `commerceforge.orders` → `commerceforge-orders`. */
const sidOf = (text: string) => text.replace(/[^A-Za-z0-9_-]/g, '-');

/**
 * Lets `grantee` put events on `bus` under `sources` only (`events:source`, checked per entry by EventBridge).
 * Together with the bus policy of `DomainEventBusProps.publishers`, this is the whole of who may publish what.
 */
export function grantPublish(
  bus: events.IEventBus,
  grantee: iam.IGrantable,
  sources: readonly string[],
): iam.Grant {
  return iam.Grant.addToPrincipal({
    grantee,
    actions: ['events:PutEvents'],
    resourceArns: [bus.eventBusArn],
    conditions: { StringEquals: { 'events:source': [...sources] } },
  });
}

/** What a subscription's target is built in: where its alarms notify, whether its queues outlive the stack. */
export interface SubscriptionContext {
  readonly alarmTopic?: sns.ITopic;
  readonly removalPolicy?: RemovalPolicy;
}

/** The delivery settings every subscription gets; a target is built from them. */
export type SubscriptionTarget = (
  delivery: targets.TargetBaseProps,
  context: SubscriptionContext,
) => events.IRuleTarget;

/** Targets a subscription can have, each given the delivery settings (retry policy, DLQ). */
export const SubscriptionTargets = {
  /**
   * Invoke a function; pass its `live` alias so traffic shifting applies. EventBridge invokes it
   * asynchronously: the rule's retry policy and DLQ cover handing the event to Lambda, and the function's
   * failure destination (`AsyncInvokeFailures`: Lambda's retries, then a queue with an alarm, configured on
   * the qualifier given here) covers the function failing.
   */
  lambda:
    (handler: lambda.IFunction, options: { event?: events.RuleTargetInput } = {}): SubscriptionTarget =>
    (delivery, context) => {
      AsyncInvokeFailures.of(handler, {
        alarmTopic: context.alarmTopic,
        removalPolicy: context.removalPolicy,
      });
      return new targets.LambdaFunction(handler, { ...delivery, event: options.event });
    },
  /** Start an execution of a state machine. */
  stateMachine:
    (machine: sfn.IStateMachine, options: { input?: events.RuleTargetInput } = {}): SubscriptionTarget =>
    (delivery) =>
      new targets.SfnStateMachine(machine, { ...delivery, input: options.input }),
  /** Send the event to a queue. */
  queue:
    (queue: sqs.IQueue, options: { message?: events.RuleTargetInput } = {}): SubscriptionTarget =>
    (delivery) =>
      new targets.SqsQueue(queue, { ...delivery, message: options.message }),
} as const;

export interface SubscribeOptions {
  readonly eventPattern: events.EventPattern;
  readonly target: SubscriptionTarget;
  readonly description?: string;
  /**
   * Attempts after the first delivery fails (EventBridge retries with exponential backoff and jitter). A
   * delivery fails when the target refuses the event (throttled, missing, not allowed), not when a function
   * it invoked throws: Lambda targets are invoked asynchronously (see `SubscriptionTargets.lambda`).
   * @default 8
   */
  readonly retryAttempts?: number;
  /**
   * How long EventBridge keeps trying before the event goes to the dead-letter queue.
   * @default Duration.hours(2)
   */
  readonly maxEventAge?: Duration;
}

/**
 * A rule with its one target, the target's dead-letter queue (events EventBridge could not deliver) and the
 * alarm on that queue. A Lambda target also gets its function's failure queue (`AsyncInvokeFailures`).
 */
export class Subscription extends Construct {
  public readonly rule: events.Rule;
  public readonly deadLetterQueue: sqs.Queue;
  public readonly alarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, bus: DomainEventBus, options: SubscribeOptions) {
    super(scope, id);
    this.deadLetterQueue = deadLetterQueue(
      this,
      'DeadLetterQueue',
      'the dead-letter queue of an EventBridge rule target',
      bus.removalPolicy,
    );

    this.rule = new events.Rule(this, 'Rule', {
      eventBus: bus.eventBus,
      eventPattern: options.eventPattern,
      description: options.description,
    });
    this.rule.addTarget(
      options.target(
        {
          deadLetterQueue: this.deadLetterQueue,
          retryAttempts: options.retryAttempts ?? 8,
          maxEventAge: options.maxEventAge ?? Duration.hours(2),
        },
        { alarmTopic: bus.alarmTopic, removalPolicy: bus.removalPolicy },
      ),
    );

    this.alarm = messageWaitingAlarm(
      this,
      'DeadLettersAlarm',
      this.deadLetterQueue,
      `Events for ${this.node.path} could not be delivered and wait in its dead-letter queue.`,
      bus.alarmTopic,
    );
  }
}

/**
 * The platform's custom EventBridge bus, an archive for replay, and the Schema Registry holding a JSON
 * Schema per event type and version. Subscriptions are made through `subscribe`, so every rule target has a
 * retry policy, a dead-letter queue and an alarm, and every function a rule invokes a failure queue and an
 * alarm.
 */
export class DomainEventBus extends Construct {
  public readonly eventBus: events.EventBus;
  public readonly archive: events.Archive;
  public readonly registry: schemas.CfnRegistry;
  public readonly schemas: readonly schemas.CfnSchema[];
  public readonly alarmTopic?: sns.ITopic;
  /** The archive's, and every subscription's queues' (dead letters, failure queues). */
  public readonly removalPolicy: RemovalPolicy;
  /** The reserved sources and their publishers (the bus policy's Deny statements). */
  public readonly publishers: readonly EventPublisher[];

  constructor(scope: Construct, id: string, props: DomainEventBusProps) {
    super(scope, id);
    this.alarmTopic = props.alarmTopic;
    this.removalPolicy = props.removalPolicy ?? RemovalPolicy.DESTROY;
    this.publishers = props.publishers ?? [];
    this.eventBus = new events.EventBus(this, 'Bus', { eventBusName: props.eventBusName });
    this.denyOthersThanPublishers(props.reservedSourcePrefix);

    this.archive = this.eventBus.archive('Archive', {
      description: 'Every CommerceForge domain event, for replay.',
      eventPattern: props.archivePattern ?? { source: events.Match.prefix('commerceforge.') },
      retention: props.archiveRetention ?? Duration.days(7),
    });
    this.archive.applyRemovalPolicy(this.removalPolicy);

    this.registry = new schemas.CfnRegistry(this, 'Registry', {
      registryName: props.registryName,
      description: 'JSON Schemas of the CommerceForge domain events, one per type and version.',
    });
    const names = new Set<string>();
    this.schemas = props.schemas.map((definition) => {
      if (names.has(definition.schemaName)) {
        throw new Error(`DomainEventBus: schema ${definition.schemaName} is defined twice`);
      }
      names.add(definition.schemaName);
      const schema = new schemas.CfnSchema(this, `Schema-${definition.schemaName}`, {
        registryName: this.registry.attrRegistryName,
        schemaName: definition.schemaName,
        type: 'JSONSchemaDraft4',
        description: definition.description,
        content: JSON.stringify(definition.content),
      });
      return schema;
    });
  }

  /** Lets `grantee` put events on this bus under `source` only (see `grantPublish`). */
  grantPublish(grantee: iam.IGrantable, source: string): iam.Grant {
    return grantPublish(this.eventBus, grantee, [source]);
  }

  /**
   * One Deny per reserved source (`events:source` is the source, `aws:PrincipalArn` none of its publishers), and
   * one for a source under the reserved prefix that nobody owns. Principal `*` with a Deny covers this account's
   * roles and root as well as other accounts.
   */
  private denyOthersThanPublishers(reservedPrefix: string | undefined): void {
    const sources = new Set<string>();
    for (const publisher of this.publishers) {
      if (sources.has(publisher.source)) {
        throw new Error(`DomainEventBus: the publishers of ${publisher.source} are given twice`);
      }
      if (publisher.principalArns.length === 0) {
        throw new Error(`DomainEventBus: ${publisher.source} has no publisher`);
      }
      sources.add(publisher.source);
      this.eventBus.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: `OnlyPublisherOf-${sidOf(publisher.source)}`,
          effect: iam.Effect.DENY,
          principals: [new iam.AnyPrincipal()],
          actions: ['events:PutEvents'],
          resources: [this.eventBus.eventBusArn],
          conditions: {
            StringEquals: { 'events:source': publisher.source },
            ArnNotEquals: { 'aws:PrincipalArn': [...publisher.principalArns] },
          },
        }),
      );
    }
    if (reservedPrefix === undefined) return;
    const unowned: Record<string, Record<string, unknown>> = {
      StringLike: { 'events:source': `${reservedPrefix}*` },
    };
    if (sources.size > 0) unowned.StringNotEquals = { 'events:source': [...sources] };
    this.eventBus.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: `UnownedSources-${sidOf(reservedPrefix)}`,
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['events:PutEvents'],
        resources: [this.eventBus.eventBusArn],
        conditions: unowned,
      }),
    );
  }

  /**
   * Adds a rule on this bus in `scope` — the subscriber's stack, so the rule lives with the service that
   * reacts (a rule in the platform stack targeting a service's function would make a dependency cycle).
   */
  subscribe(scope: Construct, id: string, options: SubscribeOptions): Subscription {
    return new Subscription(scope, id, this, options);
  }
}
