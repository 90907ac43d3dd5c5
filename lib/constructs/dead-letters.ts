import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/**
 * Where what failed waits for a person: a queue encrypted (SQS-managed) that refuses plain HTTP and keeps its
 * messages 14 days, for a redrive. It is the end of the line, so it has no dead-letter queue of its own
 * (cdk-nag's SQS3, acknowledged with `role`: what the queue is the dead-letter queue of). What waits in it
 * is data: `removalPolicy` (the stage's) says whether it survives the stack.
 */
export function deadLetterQueue(
  scope: Construct,
  id: string,
  role: string,
  removalPolicy: RemovalPolicy = RemovalPolicy.DESTROY,
): sqs.Queue {
  const queue = new sqs.Queue(scope, id, {
    removalPolicy,
    retentionPeriod: Duration.days(14),
    enforceSSL: true,
    encryption: sqs.QueueEncryption.SQS_MANAGED,
  });
  Validations.of(queue).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason: `This queue is ${role}; it has no DLQ of its own.`,
  });
  return queue;
}

/** An alarm as soon as one message waits in `queue` (missing data is not breaching), to the topic if given. */
export function messageWaitingAlarm(
  scope: Construct,
  id: string,
  queue: sqs.IQueue,
  description: string,
  alarmTopic?: sns.ITopic,
): cloudwatch.Alarm {
  const alarm = new cloudwatch.Alarm(scope, id, {
    alarmDescription: description,
    metric: queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1) }),
    threshold: 1,
    evaluationPeriods: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  if (alarmTopic) alarm.addAlarmAction(new cwActions.SnsAction(alarmTopic));
  return alarm;
}
