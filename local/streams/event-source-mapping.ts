/**
 * `AWS::Lambda::EventSourceMapping` on a DynamoDB stream: the template's properties turned into a stream
 * consumer that invokes the function synchronously with `{Records: [...]}` and sends discarded batches' invocation
 * records to an SQS on-failure destination.
 */
import { randomUUID } from 'node:crypto';
import { AwsError } from '../core/aws-service.js';
import type { LocalCloud } from '../core/local-cloud.js';
import { compileFilterCriteria, type FilterCriteria } from './filter.js';
import { ddbStreamBatchInfo, type ShardRecord, toLambdaRecord } from './records.js';
import type {
  DeliveryOutcome,
  DiscardInfo,
  FailureResponse,
  StreamConsumerConfig,
} from './stream-consumer.js';

/** The properties CloudFormation takes, as the model resolves them. */
export interface EventSourceMappingProperties {
  readonly FunctionName: string;
  readonly EventSourceArn?: string;
  readonly BatchSize?: number;
  readonly MaximumBatchingWindowInSeconds?: number;
  readonly StartingPosition?: string;
  readonly FilterCriteria?: FilterCriteria;
  readonly MaximumRetryAttempts?: number;
  readonly BisectBatchOnFunctionError?: boolean;
  readonly FunctionResponseTypes?: readonly string[];
  readonly MaximumRecordAgeInSeconds?: number;
  readonly DestinationConfig?: { readonly OnFailure?: { readonly Destination?: string } };
  readonly Enabled?: boolean;
  readonly ParallelizationFactor?: number;
  readonly TumblingWindowInSeconds?: number;
  /** SQS sources: batches at once (2 to 1,000). */
  readonly ScalingConfig?: { readonly MaximumConcurrency?: number };
}

export type EventSourceKind = 'dynamodb' | 'sqs' | 'unsupported';

export function eventSourceKind(arn: string | undefined): EventSourceKind {
  if (arn && /^arn:aws[\w-]*:dynamodb:[^:]*:[^:]*:table\/[^/]+\/stream\//.test(arn)) return 'dynamodb';
  if (arn?.startsWith('arn:aws:sqs:')) return 'sqs';
  return 'unsupported';
}

/** Reads and checks the numbers as CreateEventSourceMapping would for a DynamoDB stream. */
export function streamMappingConfig(
  props: EventSourceMappingProperties,
  cloud: Pick<LocalCloud, 'lambda' | 'sqs' | 'region' | 'logger'>,
  name: string,
): Omit<StreamConsumerConfig, 'retryDelayMs'> {
  const streamArn = String(props.EventSourceArn);
  const batchSize = props.BatchSize ?? 100;
  if (batchSize < 1 || batchSize > 10_000) {
    throw new AwsError('InvalidParameterValueException', `${name}: BatchSize must be between 1 and 10000.`);
  }
  const position = props.StartingPosition ?? 'LATEST';
  if (position !== 'LATEST' && position !== 'TRIM_HORIZON') {
    throw new AwsError(
      'InvalidParameterValueException',
      `${name}: StartingPosition ${position} is not valid for a DynamoDB stream (TRIM_HORIZON or LATEST).`,
    );
  }
  const matches = compileFilterCriteria(props.FilterCriteria);
  const reportItemFailures = props.FunctionResponseTypes?.includes('ReportBatchItemFailures') ?? false;
  const functionName = props.FunctionName;
  const toRecord = (record: ShardRecord) => toLambdaRecord(record, streamArn, cloud.region);
  const destination = props.DestinationConfig?.OnFailure?.Destination;

  return {
    name,
    batchSize,
    batchingWindowSeconds: props.MaximumBatchingWindowInSeconds ?? 0,
    startingPosition: position,
    filter: (record) => matches(toRecord(record)),
    maximumRetryAttempts: props.MaximumRetryAttempts ?? -1,
    maximumRecordAgeSeconds: props.MaximumRecordAgeInSeconds ?? -1,
    bisectOnError: props.BisectBatchOnFunctionError ?? false,
    async deliver(batch): Promise<DeliveryOutcome> {
      const result = await cloud.lambda.invoke(functionName, { Records: batch.map(toRecord) });
      const response = {
        statusCode: result.statusCode,
        executedVersion: result.executedVersion,
        ...(result.functionError ? { functionError: result.functionError } : {}),
      };
      if (result.functionError) {
        const error = result.payload as { errorType?: string; errorMessage?: string } | undefined;
        return { ok: false, error: `${error?.errorType ?? 'Error'}: ${error?.errorMessage ?? ''}`, response };
      }
      if (!reportItemFailures) return { ok: true };
      return partialBatchOutcome(result.payload, batch, response);
    },
    async discard(batch, info) {
      const record = onFailureRecord(batch, info, {
        streamArn,
        functionArn: cloud.lambda.find(functionName).fn.arn,
      });
      if (!destination) {
        cloud.logger.warn(
          `  ${name}: discarded ${batch.length} record(s) (${info.condition}) with no on-failure destination`,
        );
        return;
      }
      if (!destination.startsWith('arn:aws:sqs:')) {
        cloud.logger.warn(
          `  ${name}: on-failure destination ${destination} is not a local SQS queue: not sent`,
        );
        return;
      }
      cloud.sqs.send(destination, JSON.stringify(record));
    },
  };
}

/**
 * A `ReportBatchItemFailures` answer: an empty or missing list is success; the smallest reported sequence
 * number is where the retry starts; an empty, missing or unknown `itemIdentifier` fails the whole batch.
 */
export function partialBatchOutcome(
  payload: unknown,
  batch: readonly ShardRecord[],
  response?: FailureResponse,
): DeliveryOutcome {
  const failures = (payload as { batchItemFailures?: unknown } | null | undefined)?.batchItemFailures;
  if (failures === undefined || failures === null) return { ok: true };
  if (!Array.isArray(failures)) {
    return { ok: false, error: 'batchItemFailures is not a list', ...(response ? { response } : {}) };
  }
  if (failures.length === 0) return { ok: true };
  const known = new Set(batch.map((record) => record.sequenceNumber));
  let first: ShardRecord | undefined;
  for (const failure of failures) {
    const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || id === '' || !known.has(id)) {
      return {
        ok: false,
        error: `invalid itemIdentifier ${JSON.stringify(id)}: the whole batch is retried`,
        ...(response ? { response } : {}),
      };
    }
    const index = batch.findIndex((record) => record.sequenceNumber === id);
    if (!first || index < batch.indexOf(first)) first = batch[index];
  }
  if (!first) return { ok: true };
  return {
    ok: false,
    firstFailedSequence: first.sequenceNumber,
    error: `partial batch failure from ${first.sequenceNumber}`,
    ...(response ? { response } : {}),
  };
}

/** Lambda's invocation record for a discarded stream batch (the records themselves are not in it). */
export function onFailureRecord(
  batch: readonly ShardRecord[],
  info: DiscardInfo,
  where: { streamArn: string; functionArn: string },
  now = Date.now(),
) {
  return {
    requestContext: {
      requestId: randomUUID(),
      functionArn: where.functionArn,
      condition: info.condition,
      approximateInvokeCount: info.invokeCount,
    },
    responseContext: {
      statusCode: info.lastResponse?.statusCode ?? 200,
      executedVersion: info.lastResponse?.executedVersion ?? '$LATEST',
      functionError: info.lastResponse?.functionError ?? 'Unhandled',
    },
    version: '1.0',
    timestamp: new Date(now).toISOString(),
    DDBStreamBatchInfo: ddbStreamBatchInfo(batch, where.streamArn),
  };
}
