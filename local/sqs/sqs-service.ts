/**
 * SQS's JSON protocol (`X-Amz-Target: AmazonSQS.<Operation>`) over the local queues. The query protocol
 * (form-encoded, XML answers) that older CLIs speak is an adapter over the same operations (query-protocol.ts).
 */
import { AwsError, type AwsJsonService } from '../core/aws-service.js';
import { type MessageAttributeValue, md5OfMessageAttributes } from './md5.js';
import type { LocalQueue, QueueMessage } from './queue.js';
import type { SqsQueues } from './queues.js';

type Body = Record<string, unknown>;

const str = (body: Body, key: string): string => {
  const value = body[key];
  if (typeof value !== 'string' || value === '') throw new AwsError('MissingParameter', `${key} is required`);
  return value;
};
const num = (body: Body, key: string): number | undefined =>
  body[key] === undefined || body[key] === null ? undefined : Number(body[key]);

export class SqsService implements AwsJsonService {
  readonly targetPrefix = 'AmazonSQS';
  readonly signingName = 'sqs';

  constructor(readonly queues: SqsQueues) {}

  async handle(operation: string, raw: unknown): Promise<unknown> {
    const body = (raw ?? {}) as Body;
    const queue = () => this.queues.get(str(body, 'QueueUrl'));
    switch (operation) {
      case 'CreateQueue':
        return {
          QueueUrl: this.queues.create(
            str(body, 'QueueName'),
            (body.Attributes ?? {}) as Record<string, string>,
          ).url,
        };
      case 'GetQueueUrl':
        return { QueueUrl: this.queues.get(str(body, 'QueueName')).url };
      case 'ListQueues': {
        const urls = this.queues.list(String(body.QueueNamePrefix ?? '')).map((q) => q.url);
        const max = num(body, 'MaxResults');
        return { QueueUrls: max ? urls.slice(0, max) : urls };
      }
      case 'DeleteQueue':
        this.queues.delete(str(body, 'QueueUrl'));
        return {};
      case 'SendMessage':
        return sendResult(queue().send(sendInput(body)));
      case 'SendMessageBatch': {
        const target = queue();
        const entries = (body.Entries ?? []) as Body[];
        if (entries.length === 0)
          throw new AwsError('EmptyBatchRequest', 'There should be at least one entry');
        if (entries.length > 10) throw new AwsError('TooManyEntriesInBatchRequest', 'At most 10 entries');
        return {
          Successful: entries.map((entry) => ({
            Id: entry.Id,
            ...sendResult(target.send(sendInput(entry))),
          })),
          Failed: [],
        };
      }
      case 'ReceiveMessage': {
        const max = num(body, 'MaxNumberOfMessages') ?? 1;
        if (max < 1 || max > 10)
          throw new AwsError('InvalidParameterValue', 'MaxNumberOfMessages must be 1 to 10');
        const target = queue();
        const messages = await target.receive(
          max,
          num(body, 'VisibilityTimeout'),
          num(body, 'WaitTimeSeconds'),
        );
        const names = [
          ...((body.AttributeNames ?? []) as string[]),
          ...((body.MessageSystemAttributeNames ?? []) as string[]),
        ];
        const wanted = (body.MessageAttributeNames ?? []) as string[];
        return { Messages: messages.map((message) => receivedMessage(message, names, wanted)) };
      }
      case 'DeleteMessage':
        queue().delete(str(body, 'ReceiptHandle'));
        return {};
      case 'DeleteMessageBatch': {
        const target = queue();
        return batch(body, (entry) => target.delete(String(entry.ReceiptHandle)));
      }
      case 'ChangeMessageVisibility':
        if (!queue().changeVisibility(str(body, 'ReceiptHandle'), Number(body.VisibilityTimeout))) {
          throw new AwsError('MessageNotInflight', 'The message is not in flight');
        }
        return {};
      case 'ChangeMessageVisibilityBatch': {
        const target = queue();
        return batch(body, (entry) =>
          target.changeVisibility(String(entry.ReceiptHandle), Number(entry.VisibilityTimeout)),
        );
      }
      case 'GetQueueAttributes':
        return { Attributes: queueAttributes(queue(), (body.AttributeNames ?? ['All']) as string[]) };
      case 'SetQueueAttributes': {
        const target = queue();
        Object.assign(target.attributes, body.Attributes ?? {});
        target.lastModified = Date.now();
        return {};
      }
      case 'PurgeQueue':
        queue().purge();
        return {};
      case 'ListDeadLetterSourceQueues': {
        const arn = queue().arn;
        return {
          queueUrls: this.queues
            .list()
            .filter((q) => q.redrivePolicy?.deadLetterTargetArn === arn)
            .map((q) => q.url),
        };
      }
      case 'ListQueueTags':
        queue();
        return { Tags: {} };
      case 'TagQueue':
      case 'UntagQueue':
        queue();
        return {};
      default:
        throw new AwsError(
          'UnknownOperationException',
          `SQS operation ${operation} is not supported locally`,
        );
    }
  }
}

function sendInput(body: Body) {
  const messageBody = body.MessageBody;
  if (typeof messageBody !== 'string' || messageBody === '') {
    throw new AwsError('MissingParameter', 'The request must contain the parameter MessageBody.');
  }
  const delay = num(body, 'DelaySeconds');
  return {
    body: messageBody,
    ...(delay !== undefined ? { delaySeconds: delay } : {}),
    ...(body.MessageAttributes
      ? { messageAttributes: body.MessageAttributes as Record<string, MessageAttributeValue> }
      : {}),
    ...(typeof body.MessageGroupId === 'string' ? { groupId: body.MessageGroupId } : {}),
    ...(typeof body.MessageDeduplicationId === 'string'
      ? { deduplicationId: body.MessageDeduplicationId }
      : {}),
  };
}

function sendResult(message: QueueMessage) {
  return {
    MessageId: message.messageId,
    MD5OfMessageBody: message.md5OfBody,
    ...(message.md5OfMessageAttributes ? { MD5OfMessageAttributes: message.md5OfMessageAttributes } : {}),
    ...(message.sequenceNumber ? { SequenceNumber: message.sequenceNumber } : {}),
  };
}

function batch(body: Body, apply: (entry: Body) => boolean) {
  const Successful: { Id: unknown }[] = [];
  const Failed: { Id: unknown; SenderFault: boolean; Code: string; Message: string }[] = [];
  for (const entry of (body.Entries ?? []) as Body[]) {
    if (apply(entry)) Successful.push({ Id: entry.Id });
    else
      Failed.push({
        Id: entry.Id,
        SenderFault: true,
        Code: 'ReceiptHandleIsInvalid',
        Message: 'unknown receipt handle',
      });
  }
  return { Successful, Failed };
}

export function receivedMessage(
  message: QueueMessage,
  attributeNames: string[],
  messageAttributeNames: string[],
) {
  const all = attributeNames.includes('All');
  const system: Record<string, string> = {
    SenderId: 'AIDALOCAL',
    SentTimestamp: String(message.sentAt),
    ApproximateReceiveCount: String(message.receiveCount),
    ApproximateFirstReceiveTimestamp: String(message.firstReceivedAt ?? message.sentAt),
    ...(message.groupId ? { MessageGroupId: message.groupId } : {}),
    ...(message.deduplicationId ? { MessageDeduplicationId: message.deduplicationId } : {}),
    ...(message.sequenceNumber ? { SequenceNumber: message.sequenceNumber } : {}),
    ...(message.deadLetterSourceArn ? { DeadLetterQueueSourceArn: message.deadLetterSourceArn } : {}),
  };
  const attributes = Object.fromEntries(
    Object.entries(system).filter(([key]) => all || attributeNames.includes(key)),
  );
  const everyAttribute = messageAttributeNames.includes('All') || messageAttributeNames.includes('.*');
  const messageAttributes = Object.fromEntries(
    Object.entries(message.messageAttributes).filter(
      ([key]) =>
        everyAttribute ||
        messageAttributeNames.some(
          (name) => name === key || (name.endsWith('.*') && key.startsWith(name.slice(0, -1))),
        ),
    ),
  );
  return {
    MessageId: message.messageId,
    ReceiptHandle: message.receiptHandle,
    MD5OfBody: message.md5OfBody,
    Body: message.body,
    ...(Object.keys(attributes).length ? { Attributes: attributes } : {}),
    ...(Object.keys(messageAttributes).length
      ? {
          MessageAttributes: messageAttributes,
          MD5OfMessageAttributes: md5OfMessageAttributes(messageAttributes),
        }
      : {}),
  };
}

export function queueAttributes(queue: LocalQueue, names: string[]): Record<string, string> {
  const counts = queue.counts();
  const all: Record<string, string> = {
    ...queue.attributes,
    QueueArn: queue.arn,
    ApproximateNumberOfMessages: String(counts.visible),
    ApproximateNumberOfMessagesNotVisible: String(counts.inFlight),
    ApproximateNumberOfMessagesDelayed: String(counts.delayed),
    CreatedTimestamp: String(Math.floor(queue.createdAt / 1000)),
    LastModifiedTimestamp: String(Math.floor(queue.lastModified / 1000)),
  };
  if (names.includes('All')) return all;
  return Object.fromEntries(Object.entries(all).filter(([key]) => names.includes(key)));
}
