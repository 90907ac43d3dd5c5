/**
 * The local SQS: the queues by name, URL and ARN, and the in-process API later parts use to send to a
 * queue directly (EventBridge targets and DLQs, pipes). Queues from the templates are created at start,
 * dead-letter queues first because redrive policies point at them.
 */
import type { CloudModel } from '../assembly/model.js';
import { AwsError } from '../core/aws-service.js';
import { LocalQueue, type QueueMessage, type SendInput } from './queue.js';

export class QueueDoesNotExistError extends AwsError {
  readonly queryCompatibleCode = 'AWS.SimpleQueueService.NonExistentQueue';
  constructor(reference: string) {
    super('QueueDoesNotExist', `The specified queue does not exist: ${reference}`);
  }
}

export class SqsQueues {
  private readonly byName = new Map<string, LocalQueue>();

  constructor(
    private readonly endpoint: () => string,
    private readonly region: string,
    private readonly accountId: string,
  ) {}

  /** Creates a queue, or returns the existing one of that name (CreateQueue is idempotent). */
  create(name: string, attributes: Record<string, string> = {}): LocalQueue {
    const existing = this.byName.get(name);
    if (existing) return existing;
    if (!/^[A-Za-z0-9_-]{1,80}(\.fifo)?$/.test(name)) {
      throw new AwsError('InvalidParameterValue', `invalid queue name ${name}`);
    }
    const queue = new LocalQueue(
      name,
      `${this.endpoint()}/${this.accountId}/${name}`,
      `arn:aws:sqs:${this.region}:${this.accountId}:${name}`,
      attributes,
      (arn) => this.find(arn),
    );
    this.byName.set(name, queue);
    return queue;
  }

  delete(reference: string): void {
    this.byName.delete(this.get(reference).name);
  }

  list(prefix = ''): LocalQueue[] {
    return [...this.byName.values()].filter((queue) => queue.name.startsWith(prefix));
  }

  /** A queue by name, URL or ARN, or undefined. */
  find(reference: string): LocalQueue | undefined {
    const name = reference.startsWith('arn:') ? reference.split(':').pop() : reference.split('/').pop();
    return name ? this.byName.get(name) : undefined;
  }

  get(reference: string): LocalQueue {
    const queue = this.find(reference);
    if (!queue) throw new QueueDoesNotExistError(reference);
    return queue;
  }

  /** Sends a message to a queue (by name, URL or ARN), as SendMessage would. */
  send(reference: string, input: SendInput | string): QueueMessage {
    return this.get(reference).send(typeof input === 'string' ? { body: input } : input);
  }

  /** Receives (and hides) messages, as ReceiveMessage would; `waitSeconds` long-polls until `signal` aborts. */
  receive(
    reference: string,
    options: { max?: number; visibilitySeconds?: number; waitSeconds?: number; signal?: AbortSignal } = {},
  ): Promise<QueueMessage[]> {
    return this.get(reference).receive(
      options.max ?? 1,
      options.visibilitySeconds,
      options.waitSeconds,
      options.signal,
    );
  }

  deleteMessage(reference: string, receiptHandle: string): boolean {
    return this.get(reference).delete(receiptHandle);
  }
}

/** Creates the templates' queues; the properties' names follow SQS's attribute names. */
export function createQueuesFromModel(model: CloudModel, queues: SqsQueues): LocalQueue[] {
  const resources = model.resources('AWS::SQS::Queue');
  const isTarget = (resourceArn: string) =>
    resources.some((other) => {
      const redrive = model.properties(other).RedrivePolicy as { deadLetterTargetArn?: string } | undefined;
      return redrive?.deadLetterTargetArn === resourceArn;
    });
  const ordered = [...resources].sort(
    (a, b) => Number(isTarget(model.identity(b).arn)) - Number(isTarget(model.identity(a).arn)),
  );
  return ordered.map((resource) => {
    const props = model.properties(resource);
    const attributes: Record<string, string> = {};
    for (const key of [
      'VisibilityTimeout',
      'DelaySeconds',
      'MaximumMessageSize',
      'MessageRetentionPeriod',
      'ReceiveMessageWaitTimeSeconds',
      'FifoQueue',
      'ContentBasedDeduplication',
    ]) {
      if (props[key] !== undefined) attributes[key] = String(props[key]);
    }
    if (props.RedrivePolicy) attributes.RedrivePolicy = JSON.stringify(props.RedrivePolicy);
    return queues.create(model.identity(resource).name, attributes);
  });
}
