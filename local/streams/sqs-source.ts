/**
 * `AWS::Lambda::EventSourceMapping` on a local SQS queue: long-polls the queue, invokes the function with
 * Lambda's SQS event, deletes what succeeded. A failed message stays in the queue and comes back after its
 * visibility timeout, so the queue's own redrive policy decides when it goes to a dead-letter queue, as in AWS.
 * One batch at a time per mapping (AWS runs several pollers).
 */
import type { LocalCloud } from '../core/local-cloud.js';
import type { QueueMessage } from '../sqs/queue.js';
import type { EventSourceMappingProperties } from './event-source-mapping.js';
import { compileFilterCriteria, sqsFilterView } from './filter.js';

export interface SqsRecord {
  readonly messageId: string;
  readonly receiptHandle: string;
  readonly body: string;
  readonly attributes: Record<string, string>;
  readonly messageAttributes: Record<string, unknown>;
  readonly md5OfBody: string;
  readonly eventSource: 'aws:sqs';
  readonly eventSourceARN: string;
  readonly awsRegion: string;
}

export function toSqsRecord(message: QueueMessage, queueArn: string, region: string): SqsRecord {
  const attributes: Record<string, string> = {
    ApproximateReceiveCount: String(message.receiveCount),
    SentTimestamp: String(message.sentAt),
    SenderId: 'AIDALOCALCLOUDSENDER',
    ApproximateFirstReceiveTimestamp: String(message.firstReceivedAt ?? message.sentAt),
  };
  if (message.groupId) attributes.MessageGroupId = message.groupId;
  if (message.deduplicationId) attributes.MessageDeduplicationId = message.deduplicationId;
  if (message.sequenceNumber) attributes.SequenceNumber = message.sequenceNumber;
  const messageAttributes = Object.fromEntries(
    Object.entries(message.messageAttributes).map(([name, value]) => [
      name,
      {
        ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}),
        ...(value.BinaryValue !== undefined
          ? {
              binaryValue:
                typeof value.BinaryValue === 'string'
                  ? value.BinaryValue
                  : Buffer.from(value.BinaryValue).toString('base64'),
            }
          : {}),
        stringListValues: [],
        binaryListValues: [],
        dataType: value.DataType,
      },
    ]),
  );
  return {
    messageId: message.messageId,
    receiptHandle: message.receiptHandle ?? '',
    body: message.body,
    attributes,
    messageAttributes,
    md5OfBody: message.md5OfBody,
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: region,
  };
}

/**
 * How long an empty queue is waited on. The in-process queue wakes the wait the moment a message arrives and
 * `stop()` aborts it, so this only bounds how often an idle mapping wakes up (AWS's longest long poll).
 */
const IDLE_WAIT_SECONDS = 20;
/** Lambda starts an SQS source with five pollers (batches at once) and scales up from there. */
const INITIAL_POLLERS = 5;

export class SqsEventSource {
  private running = false;
  private loop: Promise<void> | undefined;
  private readonly stopping = new AbortController();
  private delivered = 0;
  private failed = 0;

  constructor(
    private readonly cloud: Pick<LocalCloud, 'lambda' | 'sqs' | 'region' | 'logger'>,
    private readonly props: EventSourceMappingProperties,
    readonly name: string,
  ) {}

  start(): void {
    this.cloud.sqs.get(String(this.props.EventSourceArn));
    this.running = true;
    // Batches at once: Lambda's first five pollers, capped by the mapping's MaximumConcurrency.
    const pollers = Math.max(
      1,
      Math.min(INITIAL_POLLERS, this.props.ScalingConfig?.MaximumConcurrency ?? INITIAL_POLLERS),
    );
    this.loop = Promise.all(Array.from({ length: pollers }, () => this.run())).then(() => undefined);
  }

  async stop(): Promise<void> {
    this.running = false;
    this.stopping.abort();
    await this.loop;
  }

  stats(): { delivered: number; failed: number } {
    return { delivered: this.delivered, failed: this.failed };
  }

  private async run(): Promise<void> {
    const queueArn = String(this.props.EventSourceArn);
    const batchSize = this.props.BatchSize ?? 10;
    const windowMs = (this.props.MaximumBatchingWindowInSeconds ?? 0) * 1000;
    const matches = compileFilterCriteria(this.props.FilterCriteria);
    const reportItemFailures = this.props.FunctionResponseTypes?.includes('ReportBatchItemFailures') ?? false;
    while (this.running) {
      try {
        const messages: QueueMessage[] = [];
        // The batching window opens with the first message, not when the (long) poll started.
        let deadline = Number.POSITIVE_INFINITY;
        do {
          const received = await this.cloud.sqs.receive(queueArn, {
            max: batchSize - messages.length,
            waitSeconds:
              messages.length === 0 ? IDLE_WAIT_SECONDS : Math.max(0, (deadline - Date.now()) / 1000),
            signal: this.stopping.signal,
          });
          if (messages.length === 0 && received.length > 0) deadline = Date.now() + windowMs;
          messages.push(...received);
        } while (this.running && messages.length > 0 && messages.length < batchSize && Date.now() < deadline);
        if (messages.length === 0) continue;
        const records = messages.map((message) => toSqsRecord(message, queueArn, this.cloud.region));
        const wanted = records.filter((record) => matches(sqsFilterView(record)));
        for (const record of records) {
          if (!wanted.includes(record)) this.cloud.sqs.deleteMessage(queueArn, record.receiptHandle);
        }
        if (wanted.length === 0) continue;
        const result = await this.cloud.lambda.invoke(this.props.FunctionName, { Records: wanted });
        if (result.functionError) {
          this.failed += wanted.length;
          continue;
        }
        const failedIds = reportItemFailures
          ? this.failedMessageIds(result.payload, wanted)
          : new Set<string>();
        for (const record of wanted) {
          if (failedIds.has(record.messageId)) continue;
          this.cloud.sqs.deleteMessage(queueArn, record.receiptHandle);
          this.delivered += 1;
        }
        this.failed += failedIds.size;
      } catch (error) {
        if (this.running) this.cloud.logger.warn(`  ${this.name}: ${String(error)}`);
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    }
  }

  /** Invalid identifiers fail the whole batch, as in AWS. */
  private failedMessageIds(payload: unknown, records: readonly SqsRecord[]): Set<string> {
    const failures = (payload as { batchItemFailures?: unknown } | null | undefined)?.batchItemFailures;
    if (!Array.isArray(failures)) return new Set();
    const ids = new Set<string>();
    for (const failure of failures) {
      const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
      if (typeof id !== 'string' || !records.some((record) => record.messageId === id)) {
        return new Set(records.map((record) => record.messageId));
      }
      ids.add(id);
    }
    return ids;
  }
}
