/** `AWS::Pipes::Pipe` as CloudFormation describes it (the parts the local cloud runs). */
import { AwsError } from '../core/aws-service.js';
import type { FilterCriteria } from '../streams/filter.js';

export interface PipeProperties {
  readonly Name?: string;
  readonly DesiredState?: 'RUNNING' | 'STOPPED';
  /** The pipe's role: its calls to the target (PutEvents on a bus) act as it. */
  readonly RoleArn?: string;
  readonly Source: string;
  readonly SourceParameters?: {
    readonly FilterCriteria?: FilterCriteria;
    readonly DynamoDBStreamParameters?: {
      readonly BatchSize?: number;
      readonly MaximumBatchingWindowInSeconds?: number;
      readonly StartingPosition?: string;
      readonly MaximumRetryAttempts?: number;
      readonly MaximumRecordAgeInSeconds?: number;
      readonly OnPartialBatchItemFailure?: string;
      readonly DeadLetterConfig?: { readonly Arn?: string };
      readonly ParallelizationFactor?: number;
    };
  };
  readonly Enrichment?: string;
  readonly EnrichmentParameters?: { readonly InputTemplate?: string };
  readonly Target: string;
  readonly TargetParameters?: {
    readonly InputTemplate?: string;
    readonly EventBridgeEventBusParameters?: {
      readonly Source?: string;
      readonly DetailType?: string;
      readonly Resources?: readonly string[];
      readonly Time?: string;
      readonly EndpointId?: string;
    };
    readonly SqsQueueParameters?: {
      readonly MessageGroupId?: string;
      readonly MessageDeduplicationId?: string;
    };
    readonly LambdaFunctionParameters?: { readonly InvocationType?: 'REQUEST_RESPONSE' | 'FIRE_AND_FORGET' };
    readonly StepFunctionStateMachineParameters?: {
      readonly InvocationType?: 'REQUEST_RESPONSE' | 'FIRE_AND_FORGET';
    };
  };
}

export type TargetKind = 'events' | 'sqs' | 'lambda' | 'states';

export function targetKind(arn: string): TargetKind | undefined {
  const service = arn.split(':')[2];
  if (service === 'events' && arn.includes(':event-bus/')) return 'events';
  if (service === 'sqs' || service === 'lambda' || service === 'states') return service;
  return undefined;
}

/** The source types the local cloud runs: DynamoDB streams of local tables. */
export function isDynamoDbStream(arn: string): boolean {
  return /^arn:aws[\w-]*:dynamodb:[^:]*:[^:]*:table\/[^/]+\/stream\//.test(arn);
}

export function checkPipe(name: string, props: PipeProperties): void {
  const params = props.SourceParameters?.DynamoDBStreamParameters;
  const position = params?.StartingPosition;
  if (position !== undefined && position !== 'LATEST' && position !== 'TRIM_HORIZON') {
    throw new AwsError('ValidationException', `${name}: StartingPosition must be TRIM_HORIZON or LATEST`);
  }
  const batchSize = params?.BatchSize ?? 100;
  if (batchSize < 1 || batchSize > 10_000) {
    throw new AwsError('ValidationException', `${name}: BatchSize must be between 1 and 10000`);
  }
}

/**
 * A target parameter whose value is a JSON path (`$.dynamodb.NewImage.type.S`) takes the event's value there
 * ("dynamic path parameters"); any other value is used as written.
 */
export function dynamicParameter(value: string | undefined, event: unknown): string | undefined {
  if (value === undefined || !value.startsWith('$.')) return value;
  let current: unknown = event;
  for (const step of value.slice(2).split('.')) {
    const index = /^(.*)\[(\d+)\]$/.exec(step);
    if (index) {
      current = (current as Record<string, unknown> | undefined)?.[index[1] ?? ''];
      current = Array.isArray(current) ? current[Number(index[2])] : undefined;
    } else {
      current =
        current !== null && typeof current === 'object'
          ? (current as Record<string, unknown>)[step]
          : undefined;
    }
  }
  if (current === undefined || current === null) return undefined;
  return typeof current === 'string' ? current : JSON.stringify(current);
}
