import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { deadLetterQueue, messageWaitingAlarm } from './dead-letters.js';

/** Lambda's own retries of a failed asynchronous invocation (it allows 0 to 2), after the first attempt. */
export const ASYNC_RETRY_ATTEMPTS = 2;
/**
 * How long an event may wait in Lambda's asynchronous queue (throttled: the projectors' reserved concurrency
 * is 2) before it goes to the failure queue. Lambda's maximum: a burst is waited out, not dropped.
 */
export const ASYNC_MAX_EVENT_AGE = Duration.hours(6);

export interface AsyncInvokeFailuresProps {
  /** Where the alarm on the failure queue notifies. @default - an alarm without actions */
  readonly alarmTopic?: sns.ITopic;
  /** @default ASYNC_RETRY_ATTEMPTS (2) */
  readonly retryAttempts?: number;
  /** @default ASYNC_MAX_EVENT_AGE (6 hours) */
  readonly maxEventAge?: Duration;
  /** Whether the failure queue (and the failed events in it) outlives the stack. @default RemovalPolicy.DESTROY */
  readonly removalPolicy?: RemovalPolicy;
}

const ID = 'AsyncInvokeFailures';

/**
 * Where an asynchronous invocation that keeps failing ends up. EventBridge hands an event to Lambda's
 * asynchronous queue and is done: a function that throws is retried by Lambda (twice, 1 and 2 minutes apart)
 * and then dropped, unless an on-failure destination takes it (a rule's dead-letter queue only gets events
 * EventBridge could not hand over). This is that destination for one function at one qualifier: an
 * `EventInvokeConfig` on what the invocations name (the `live` alias for the platform's subscribers), an
 * encrypted queue keeping the failed events 14 days (the invocation record: the event, the error, the
 * attempts), and an alarm as soon as one is there.
 *
 * One per function and qualifier (Lambda keeps one configuration per qualifier): get it with `of`, which every
 * Lambda subscription of the bus calls.
 */
export class AsyncInvokeFailures extends Construct {
  /**
   * The failure destination of `handler`'s asynchronous invocations, made the first time it is asked for;
   * later calls get that one as it is (their props are not applied).
   */
  static of(handler: lambda.IFunction, props: AsyncInvokeFailuresProps = {}): AsyncInvokeFailures {
    const existing = handler.node.tryFindChild(ID);
    if (existing instanceof AsyncInvokeFailures) return existing;
    return new AsyncInvokeFailures(handler, ID, handler, props);
  }

  /** The failure destination already configured for `handler`, if any. */
  static find(handler: lambda.IFunction): AsyncInvokeFailures | undefined {
    const existing = handler.node.tryFindChild(ID);
    return existing instanceof AsyncInvokeFailures ? existing : undefined;
  }

  public readonly queue: sqs.Queue;
  public readonly invokeConfig: lambda.EventInvokeConfig;
  public readonly alarm: cloudwatch.Alarm;

  private constructor(
    scope: Construct,
    id: string,
    handler: lambda.IFunction,
    props: AsyncInvokeFailuresProps,
  ) {
    super(scope, id);
    this.queue = deadLetterQueue(
      this,
      'Queue',
      "the on-failure destination of a function's asynchronous invocations",
      props.removalPolicy,
    );

    // On the qualifier the invocations name (an alias's own configuration; the function's applies to $LATEST).
    handler.configureAsyncInvoke({
      onFailure: new destinations.SqsDestination(this.queue),
      retryAttempts: props.retryAttempts ?? ASYNC_RETRY_ATTEMPTS,
      maxEventAge: props.maxEventAge ?? ASYNC_MAX_EVENT_AGE,
    });
    this.invokeConfig = handler.node.findChild('EventInvokeConfig') as lambda.EventInvokeConfig;
    // Lambda checks the role's right to send to the queue when the configuration is put: deploy the grant
    // first (CloudFormation cannot see it through the properties; the qualifier, read from the alias's ARN,
    // already orders the configuration after the alias).
    this.queue.grantSendMessages(handler).applyBefore(this.invokeConfig);

    this.alarm = messageWaitingAlarm(
      this,
      'Alarm',
      this.queue,
      `Asynchronous invocations of ${handler.node.path} failed after Lambda's retries (or expired): the ` +
        'events, with the error, wait in its failure queue.',
      props.alarmTopic,
    );
  }
}
