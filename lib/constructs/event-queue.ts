import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { deadLetterQueue, messageWaitingAlarm } from './dead-letters.js';

export interface EventQueueProps {
  /** The function that takes the queue's messages in batches; pass its `live` alias. */
  readonly consumer: lambda.IFunction;
  /**
   * The consumer's timeout: a received message stays hidden for six times that plus the batching window
   * (AWS's advice for an SQS event source), so a batch still running is not handed to a second poller.
   */
  readonly consumerTimeout: Duration;
  /** Messages per invocation (up to 10,000 with a batching window). @default 10 */
  readonly batchSize?: number;
  /** How long Lambda gathers messages before it invokes, unless the batch fills first. @default - none */
  readonly maxBatchingWindow?: Duration;
  /** Batches at once (2 to 1,000): few writers where they share items. @default - as Lambda scales */
  readonly maxConcurrency?: number;
  /**
   * Receives before a message goes to the dead-letter queue. A message comes back when its batch fails or
   * the function reports it (`ReportBatchItemFailures`, always on here).
   * @default 5
   */
  readonly maxReceiveCount?: number;
  /**
   * The age of the oldest waiting message that alarms: the consumer is behind, or not polling at all (the
   * queue drops what it has kept four days).
   * @default Duration.minutes(15)
   */
  readonly maxMessageAge?: Duration;
  /** Where the alarms notify. @default - alarms without actions */
  readonly alarmTopic?: sns.ITopic;
  /** Whether both queues (and what waits in them) outlive the stack. @default RemovalPolicy.DESTROY */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * A queue between the bus and a function: rules send events to it (`SubscriptionTargets.queue`), an SQS event
 * source mapping hands them to the function in batches, at a bounded concurrency, and takes back the records
 * the function reports as failed. What keeps failing goes to the dead-letter queue, which alarms at once and
 * keeps it 14 days for a redrive; a second alarm says when messages wait too long (the consumer is behind or
 * stopped). Both queues are encrypted (SQS-managed) and refuse plain HTTP.
 */
export class EventQueue extends Construct {
  public readonly queue: sqs.Queue;
  public readonly deadLetterQueue: sqs.Queue;
  public readonly eventSource: sources.SqsEventSource;
  /** On the dead-letter queue: a message is there. */
  public readonly alarm: cloudwatch.Alarm;
  /** On the queue: its oldest message is older than `maxMessageAge`. */
  public readonly ageAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: EventQueueProps) {
    super(scope, id);
    const window = props.maxBatchingWindow ?? Duration.seconds(0);

    this.deadLetterQueue = deadLetterQueue(
      this,
      'DeadLetterQueue',
      'the dead-letter queue of an event queue',
      props.removalPolicy,
    );

    this.queue = new sqs.Queue(this, 'Queue', {
      removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY,
      // Shorter than the dead-letter queue's: SQS counts a message's age from when it was first sent.
      retentionPeriod: Duration.days(4),
      visibilityTimeout: Duration.seconds(props.consumerTimeout.toSeconds() * 6 + window.toSeconds()),
      enforceSSL: true,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount ?? 5 },
    });

    this.eventSource = new sources.SqsEventSource(this.queue, {
      batchSize: props.batchSize ?? 10,
      ...(props.maxBatchingWindow ? { maxBatchingWindow: props.maxBatchingWindow } : {}),
      ...(props.maxConcurrency ? { maxConcurrency: props.maxConcurrency } : {}),
      reportBatchItemFailures: true,
    });
    props.consumer.addEventSource(this.eventSource);

    this.alarm = messageWaitingAlarm(
      this,
      'DeadLettersAlarm',
      this.deadLetterQueue,
      `Events for ${this.node.path} were not processed after their receives and wait in its dead-letter queue.`,
      props.alarmTopic,
    );

    const maxAge = props.maxMessageAge ?? Duration.minutes(15);
    this.ageAlarm = new cloudwatch.Alarm(this, 'OldestMessageAlarm', {
      alarmDescription: `Events for ${this.node.path} have waited over ${maxAge.toHumanString()}: its consumer is behind or stopped.`,
      metric: this.queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(1) }),
      threshold: maxAge.toSeconds(),
      evaluationPeriods: 5,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    if (props.alarmTopic) this.ageAlarm.addAlarmAction(new cwActions.SnsAction(props.alarmTopic));
  }
}
