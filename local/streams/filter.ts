/**
 * `FilterCriteria` of event source mappings and pipes: up to five EventBridge patterns, a record passes when
 * any of them matches. For DynamoDB the pattern applies to the record's JSON as delivered
 * (`{"eventName": ["INSERT"], "dynamodb": {"NewImage": {"type": {"S": ["X"]}}}}`); for SQS to the record
 * with a JSON `body` parsed, as AWS does. A record that no filter lets through is dropped, not retried.
 */
import { AwsError } from '../core/aws-service.js';
import { type CompiledEventPattern, compileEventPattern } from '../eventbridge/pattern.js';

export interface FilterCriteria {
  readonly Filters?: ReadonlyArray<{ readonly Pattern?: string }>;
}

export type RecordFilter = (record: unknown) => boolean;

const MAX_FILTERS = 5;

/** Compiles the filters once; an invalid pattern fails as CreateEventSourceMapping would. */
export function compileFilterCriteria(criteria: FilterCriteria | undefined): RecordFilter {
  const filters = criteria?.Filters ?? [];
  if (filters.length === 0) return () => true;
  if (filters.length > MAX_FILTERS) {
    throw new AwsError(
      'InvalidParameterValueException',
      `FilterCriteria holds at most ${MAX_FILTERS} filters.`,
    );
  }
  const patterns: CompiledEventPattern[] = filters.map((filter, index) => {
    if (typeof filter.Pattern !== 'string') {
      throw new AwsError(
        'InvalidParameterValueException',
        `FilterCriteria.Filters[${index}] has no Pattern.`,
      );
    }
    try {
      return compileEventPattern(filter.Pattern);
    } catch (error) {
      throw new AwsError(
        'InvalidParameterValueException',
        `Invalid filter pattern definition. ${(error as Error).message}`,
      );
    }
  });
  return (record) => patterns.some((pattern) => pattern.matches(record));
}

/** What an SQS record's filter sees: the body parsed when it is a JSON object (AWS's "body" filtering). */
export function sqsFilterView(record: { readonly body: string }): unknown {
  try {
    const parsed = JSON.parse(record.body) as unknown;
    if (parsed !== null && typeof parsed === 'object') return { ...record, body: parsed };
  } catch {
    // A plain-text body is matched as the string it is.
  }
  return record;
}
