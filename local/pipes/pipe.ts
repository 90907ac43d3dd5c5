/**
 * One pipe: DynamoDB stream records (filtered) → optional Lambda enrichment → target (an EventBridge bus, an
 * SQS queue, a Lambda function or a state machine), with the input templates of both steps. A batch that fails
 * anywhere fails as a whole and is retried or discarded by the stream consumer; discarded batches go to the
 * source's dead-letter queue.
 */
import { randomUUID } from 'node:crypto';
import type { LocalCloud } from '../core/local-cloud.js';
import { compileFilterCriteria } from '../streams/filter.js';
import { ddbStreamBatchInfo, type ShardRecord, toLambdaRecord } from '../streams/records.js';
import type { DeliveryOutcome, DiscardInfo, StreamConsumerConfig } from '../streams/stream-consumer.js';
import { dynamicParameter, type PipeProperties, type TargetKind, targetKind } from './config.js';
import { compilePipeTemplate, type PipeTemplate, type PipeVariables } from './input-template.js';

export interface PutEventsEntry {
  readonly EventBusName: string;
  readonly Source: string;
  readonly DetailType: string;
  readonly Detail: string;
  readonly Resources?: string[];
  readonly Time?: Date;
}

export interface PipeIntegrations {
  /** As the pipe's role (`caller.roleArn`), which the bus policy and its identity policies are checked for. */
  putEvents(
    entries: PutEventsEntry[],
    caller: { readonly roleArn?: string },
  ): Promise<{
    readonly FailedEntryCount?: number;
    readonly Entries?: ReadonlyArray<{
      readonly EventId?: string;
      readonly ErrorCode?: string;
      readonly ErrorMessage?: string;
    }>;
  }>;
  /** FIRE_AND_FORGET: starts an execution. */
  startExecution(stateMachineArn: string, input: string): Promise<void>;
  /** REQUEST_RESPONSE: runs an execution to its end; absent → not supported. */
  runExecution?(
    stateMachineArn: string,
    input: string,
  ): Promise<{ status: string; error?: string; cause?: string }>;
}

export interface PipeStats {
  batches: number;
  events: number;
  failures: number;
  lastError?: string;
}

const PUT_EVENTS_CHUNK = 10;

export class LocalPipe {
  readonly kind: TargetKind;
  readonly stats: PipeStats = { batches: 0, events: 0, failures: 0 };
  private readonly enrichmentTemplate: PipeTemplate | undefined;
  private readonly targetTemplate: PipeTemplate | undefined;

  constructor(
    readonly name: string,
    readonly arn: string,
    readonly props: PipeProperties,
    private readonly cloud: Pick<LocalCloud, 'lambda' | 'sqs' | 'region' | 'logger'>,
    private readonly integrations: PipeIntegrations,
  ) {
    const kind = targetKind(props.Target);
    if (!kind) throw new Error(`pipe ${name}: target ${props.Target} is not run locally`);
    this.kind = kind;
    const enrichment = props.EnrichmentParameters?.InputTemplate;
    this.enrichmentTemplate = enrichment !== undefined ? compilePipeTemplate(enrichment) : undefined;
    const target = props.TargetParameters?.InputTemplate;
    this.targetTemplate = target !== undefined ? compilePipeTemplate(target) : undefined;
    if (props.Enrichment && !props.Enrichment.startsWith('arn:aws:lambda:')) {
      throw new Error(
        `pipe ${name}: enrichment ${props.Enrichment} is not run locally (Lambda enrichments are)`,
      );
    }
  }

  /** The stream consumer settings of this pipe (source parameters, filter, delivery, dead-letter queue). */
  consumerConfig(): Omit<StreamConsumerConfig, 'retryDelayMs'> {
    const source = this.props.SourceParameters?.DynamoDBStreamParameters ?? {};
    const matches = compileFilterCriteria(this.props.SourceParameters?.FilterCriteria);
    return {
      name: `pipe ${this.name}`,
      batchSize: source.BatchSize ?? 100,
      batchingWindowSeconds: source.MaximumBatchingWindowInSeconds ?? 0,
      startingPosition: source.StartingPosition === 'TRIM_HORIZON' ? 'TRIM_HORIZON' : 'LATEST',
      filter: (record) => matches(this.toEvent(record)),
      maximumRetryAttempts: source.MaximumRetryAttempts ?? -1,
      maximumRecordAgeSeconds: source.MaximumRecordAgeInSeconds ?? -1,
      bisectOnError: source.OnPartialBatchItemFailure === 'AUTOMATIC_BISECT',
      deliver: (batch) => this.deliver(batch),
      discard: (batch, info) => this.discard(batch, info),
    };
  }

  /** Runs one batch through enrichment and target. */
  async deliver(batch: readonly ShardRecord[]): Promise<DeliveryOutcome> {
    this.stats.batches += 1;
    try {
      let events: unknown[] = batch.map((record) => this.toEvent(record));
      if (this.props.Enrichment) events = await this.enrich(events);
      if (events.length > 0) {
        const partial = await this.sendToTarget(events, batch);
        if (partial) return partial;
      }
      this.stats.events += events.length;
      return { ok: true };
    } catch (error) {
      this.stats.failures += 1;
      this.stats.lastError = (error as Error).message;
      return { ok: false, error: (error as Error).message };
    }
  }

  private toEvent(record: ShardRecord) {
    return toLambdaRecord(record, this.props.Source, this.cloud.region);
  }

  private variables(): PipeVariables {
    return {
      pipeArn: this.arn,
      pipeName: this.name,
      sourceArn: this.props.Source,
      ...(this.props.Enrichment ? { enrichmentArn: this.props.Enrichment } : {}),
      targetArn: this.props.Target,
      ingestionTime: new Date().toISOString(),
    };
  }

  /** The enrichment gets the batch as a JSON array; what it returns replaces the batch (an empty list ends it). */
  private async enrich(events: unknown[]): Promise<unknown[]> {
    const template = this.enrichmentTemplate;
    const input = template ? events.map((event) => parseOrText(template(event, this.variables()))) : events;
    const result = await this.cloud.lambda.invoke(String(this.props.Enrichment), input);
    if (result.functionError) throw new Error(`enrichment failed: ${describeError(result.payload)}`);
    const output = result.payload;
    if (output === undefined || output === null) return [];
    return Array.isArray(output) ? output : [output];
  }

  /** Returns a partial-failure outcome when a Lambda target reports one; throws when the target failed. */
  private async sendToTarget(
    events: unknown[],
    batch: readonly ShardRecord[],
  ): Promise<DeliveryOutcome | undefined> {
    const template = this.targetTemplate;
    const payloads = events.map((event) =>
      template
        ? template(event, this.variables())
        : typeof event === 'string'
          ? event
          : JSON.stringify(event),
    );
    const target = this.props.Target;
    const params = this.props.TargetParameters ?? {};
    switch (this.kind) {
      case 'events': {
        const bus = params.EventBridgeEventBusParameters ?? {};
        const entries = events.map(
          (event, index): PutEventsEntry => ({
            EventBusName: target,
            Source: dynamicParameter(bus.Source, event) ?? `Pipe ${this.name}`,
            DetailType: dynamicParameter(bus.DetailType, event) ?? 'Event from aws:dynamodb',
            Detail: payloads[index] ?? '{}',
            ...(bus.Resources ? { Resources: [...bus.Resources] } : {}),
            ...(bus.Time ? { Time: new Date(dynamicParameter(bus.Time, event) ?? Date.now()) } : {}),
          }),
        );
        for (let i = 0; i < entries.length; i += PUT_EVENTS_CHUNK) {
          const result = await this.integrations.putEvents(
            entries.slice(i, i + PUT_EVENTS_CHUNK),
            this.props.RoleArn === undefined ? {} : { roleArn: this.props.RoleArn },
          );
          if ((result.FailedEntryCount ?? 0) > 0) {
            const failed = result.Entries?.find((entry) => entry.ErrorCode);
            throw new Error(`PutEvents failed: ${failed?.ErrorCode}: ${failed?.ErrorMessage}`);
          }
        }
        return undefined;
      }
      case 'sqs': {
        const sqsParams = params.SqsQueueParameters ?? {};
        events.forEach((event, index) => {
          const groupId = dynamicParameter(sqsParams.MessageGroupId, event);
          const deduplicationId = dynamicParameter(sqsParams.MessageDeduplicationId, event);
          this.cloud.sqs.send(target, {
            body: payloads[index] ?? '',
            ...(groupId ? { groupId } : {}),
            ...(deduplicationId ? { deduplicationId } : {}),
          });
        });
        return undefined;
      }
      case 'lambda': {
        // Lambda and Step Functions targets get the batch as a JSON array, even a batch of one.
        const input = payloads.map(parseOrText);
        const async = params.LambdaFunctionParameters?.InvocationType === 'FIRE_AND_FORGET';
        const result = await this.cloud.lambda.invoke(target, input, {
          invocationType: async ? 'Event' : 'RequestResponse',
        });
        if (result.functionError) throw new Error(`target failed: ${describeError(result.payload)}`);
        return async || this.props.Enrichment ? undefined : this.partialFailure(result.payload, batch);
      }
      case 'states': {
        const input = JSON.stringify(payloads.map(parseOrText));
        const sync = params.StepFunctionStateMachineParameters?.InvocationType === 'REQUEST_RESPONSE';
        if (!sync) {
          await this.integrations.startExecution(target, input);
          return undefined;
        }
        if (!this.integrations.runExecution)
          throw new Error('REQUEST_RESPONSE state machine targets need the Step Functions plugin');
        const outcome = await this.integrations.runExecution(target, input);
        if (outcome.status !== 'SUCCEEDED') {
          throw new Error(
            `execution ${outcome.status}: ${outcome.error ?? ''} ${outcome.cause ?? ''}`.trim(),
          );
        }
        return undefined;
      }
    }
  }

  /** A Lambda target's `batchItemFailures` (by sequence number or event id): retry from the first failure. */
  private partialFailure(payload: unknown, batch: readonly ShardRecord[]): DeliveryOutcome | undefined {
    const failures = (payload as { batchItemFailures?: unknown } | null | undefined)?.batchItemFailures;
    if (!Array.isArray(failures) || failures.length === 0) return undefined;
    let first = Number.POSITIVE_INFINITY;
    for (const failure of failures) {
      const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
      const index = batch.findIndex((record) => record.sequenceNumber === id || record.raw.eventID === id);
      if (index < 0) throw new Error(`target reported an unknown itemIdentifier ${JSON.stringify(id)}`);
      first = Math.min(first, index);
    }
    const record = batch[first];
    return record
      ? {
          ok: false,
          firstFailedSequence: record.sequenceNumber,
          error: `partial failure from ${record.sequenceNumber}`,
        }
      : undefined;
  }

  /** The source's dead-letter queue gets a record of the discarded batch, as Lambda's on-failure record has it. */
  private async discard(batch: readonly ShardRecord[], info: DiscardInfo): Promise<void> {
    const deadLetter = this.props.SourceParameters?.DynamoDBStreamParameters?.DeadLetterConfig?.Arn;
    if (!deadLetter?.startsWith('arn:aws:sqs:')) {
      this.cloud.logger.warn(
        `  pipe ${this.name}: discarded ${batch.length} record(s) (${info.condition})${deadLetter ? `: dead-letter target ${deadLetter} is not a local queue` : ''}`,
      );
      return;
    }
    const record = {
      requestContext: {
        requestId: randomUUID(),
        pipeArn: this.arn,
        condition: info.condition,
        approximateInvokeCount: info.invokeCount,
      },
      ...(info.lastError ? { errorMessage: info.lastError } : {}),
      version: '1.0',
      timestamp: new Date().toISOString(),
      DDBStreamBatchInfo: ddbStreamBatchInfo(batch, this.props.Source),
    };
    this.cloud.sqs.send(deadLetter, JSON.stringify(record));
  }
}

function parseOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function describeError(payload: unknown): string {
  const error = payload as { errorType?: string; errorMessage?: string } | undefined;
  return `${error?.errorType ?? 'Error'}: ${error?.errorMessage ?? ''}`;
}
