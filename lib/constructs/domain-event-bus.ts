import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as schemas from 'aws-cdk-lib/aws-eventschemas';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { AsyncInvokeFailures } from './async-invoke-failures.js';
import { deadLetterQueue, messageWaitingAlarm } from './dead-letters.js';

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
  /** @default RemovalPolicy.DESTROY */
  readonly removalPolicy?: RemovalPolicy;
}

/** What a subscription's target is built in: where its alarms notify. */
export interface SubscriptionContext {
  readonly alarmTopic?: sns.ITopic;
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
      AsyncInvokeFailures.of(handler, { alarmTopic: context.alarmTopic });
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
        { alarmTopic: bus.alarmTopic },
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

  constructor(scope: Construct, id: string, props: DomainEventBusProps) {
    super(scope, id);
    this.alarmTopic = props.alarmTopic;
    this.eventBus = new events.EventBus(this, 'Bus', { eventBusName: props.eventBusName });

    this.archive = this.eventBus.archive('Archive', {
      description: 'Every CommerceForge domain event, for replay.',
      eventPattern: props.archivePattern ?? { source: events.Match.prefix('commerceforge.') },
      retention: props.archiveRetention ?? Duration.days(7),
    });
    this.archive.applyRemovalPolicy(props.removalPolicy ?? RemovalPolicy.DESTROY);

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

  /**
   * Adds a rule on this bus in `scope` — the subscriber's stack, so the rule lives with the service that
   * reacts (a rule in the platform stack targeting a service's function would make a dependency cycle).
   */
  subscribe(scope: Construct, id: string, options: SubscribeOptions): Subscription {
    return new Subscription(scope, id, this, options);
  }
}
