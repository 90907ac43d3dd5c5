import { describe, expect, it } from 'vitest';
import { AwsError } from '../../../local/core/aws-service.js';
import { onFailureRecord, partialBatchOutcome } from '../../../local/streams/event-source-mapping.js';
import { compileFilterCriteria, sqsFilterView } from '../../../local/streams/filter.js';
import {
  compareSequence,
  creationSeconds,
  ddbStreamBatchInfo,
  toLambdaRecord,
} from '../../../local/streams/records.js';
import { record, SHARD, STREAM_ARN } from '../../helpers/local-streams.js';

describe('Lambda DynamoDB stream records from DynamoDB Local', () => {
  it('carries the real region and stream ARN, and a creation time to the second', () => {
    const observedAt = Date.parse('2026-11-23T18:19:47.250Z');
    const built = toLambdaRecord(record('order-1', { observedAt }), STREAM_ARN, 'us-east-1');
    expect(built).toMatchObject({
      eventName: 'INSERT',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'us-east-1',
      eventSourceARN: STREAM_ARN,
      dynamodb: {
        ApproximateCreationDateTime: Math.floor(observedAt / 1000),
        Keys: { pk: { S: 'order-1' } },
        NewImage: { pk: { S: 'order-1' } },
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    });
    expect(JSON.stringify(built)).not.toContain('ddblocal');
  });

  it("keeps DynamoDB Local's minute when the record was read outside it (after a restart)", () => {
    const late = record('old', { observedAt: Date.parse('2026-11-23T18:19:47Z') });
    const readLater = { ...late, observedAt: Date.parse('2026-11-23T20:00:00Z') };
    expect(creationSeconds(readLater)).toBe(Date.parse('2026-11-23T18:19:00Z') / 1000);
  });

  it('compares sequence numbers as numbers', () => {
    expect(compareSequence('900', '1000')).toBe(-1);
    expect(compareSequence('000000000000000000010', '9')).toBe(1);
    expect(compareSequence('42', '042')).toBe(0);
  });
});

describe('on-failure invocation records', () => {
  it("has Lambda's shape: requestContext, responseContext and DDBStreamBatchInfo", () => {
    const at = Date.parse('2026-11-23T18:19:47Z');
    const batch = [record('a', { observedAt: at }), record('b', { observedAt: at + 2_000 })];
    const built = onFailureRecord(
      batch,
      {
        condition: 'RetryAttemptsExhausted',
        invokeCount: 3,
        lastResponse: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      },
      { streamArn: STREAM_ARN, functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:auditor' },
      Date.parse('2026-11-23T18:20:00Z'),
    );
    expect(built).toEqual({
      requestContext: {
        requestId: expect.any(String),
        functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:auditor',
        condition: 'RetryAttemptsExhausted',
        approximateInvokeCount: 3,
      },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      version: '1.0',
      timestamp: '2026-11-23T18:20:00.000Z',
      DDBStreamBatchInfo: {
        shardId: SHARD,
        startSequenceNumber: batch[0]?.sequenceNumber,
        endSequenceNumber: batch[1]?.sequenceNumber,
        approximateArrivalOfFirstRecord: '2026-11-23T18:19:47Z',
        approximateArrivalOfLastRecord: '2026-11-23T18:19:49Z',
        batchSize: 2,
        streamArn: STREAM_ARN,
      },
    });
    expect(() => ddbStreamBatchInfo([], STREAM_ARN)).toThrow();
  });
});

describe('ReportBatchItemFailures answers', () => {
  const batch = [record('a'), record('b'), record('c')];
  const seq = (i: number) => batch[i]?.sequenceNumber ?? '';

  it('treats an empty or missing list as success', () => {
    expect(partialBatchOutcome({ batchItemFailures: [] }, batch)).toEqual({ ok: true });
    expect(partialBatchOutcome(null, batch)).toEqual({ ok: true });
    expect(partialBatchOutcome({}, batch)).toEqual({ ok: true });
  });

  it('retries from the smallest reported sequence number', () => {
    const outcome = partialBatchOutcome(
      { batchItemFailures: [{ itemIdentifier: seq(2) }, { itemIdentifier: seq(1) }] },
      batch,
    );
    expect(outcome).toMatchObject({ ok: false, firstFailedSequence: seq(1) });
  });

  it('fails the whole batch on an empty, null or unknown identifier', () => {
    for (const itemIdentifier of ['', null, '999999']) {
      const outcome = partialBatchOutcome({ batchItemFailures: [{ itemIdentifier }] }, batch);
      expect(outcome.ok).toBe(false);
      expect(outcome).not.toHaveProperty('firstFailedSequence');
    }
  });
});

describe('FilterCriteria', () => {
  const lambdaRecord = (type: string, eventName: 'INSERT' | 'MODIFY' = 'INSERT') =>
    toLambdaRecord(record('x', { type, eventName }), STREAM_ARN, 'us-east-1');

  it('matches EventBridge patterns against the record JSON; any filter lets a record through', () => {
    const matches = compileFilterCriteria({
      Filters: [
        {
          Pattern: JSON.stringify({ eventName: ['INSERT'], dynamodb: { NewImage: { type: { S: ['X'] } } } }),
        },
        { Pattern: JSON.stringify({ eventName: ['MODIFY'] }) },
      ],
    });
    expect(matches(lambdaRecord('X'))).toBe(true);
    expect(matches(lambdaRecord('Y'))).toBe(false);
    expect(matches(lambdaRecord('Y', 'MODIFY'))).toBe(true);
    expect(compileFilterCriteria(undefined)(lambdaRecord('Y'))).toBe(true);
  });

  it('refuses an invalid pattern as CreateEventSourceMapping would', () => {
    expect(() => compileFilterCriteria({ Filters: [{ Pattern: '{"eventName": "INSERT"}' }] })).toThrow(
      AwsError,
    );
    expect(() => compileFilterCriteria({ Filters: [{ Pattern: 'nope' }] })).toThrow(/Invalid filter pattern/);
  });

  it('matches an SQS JSON body as an object', () => {
    const matches = compileFilterCriteria({
      Filters: [{ Pattern: JSON.stringify({ body: { kind: ['a'] } }) }],
    });
    expect(matches(sqsFilterView({ body: '{"kind":"a"}' }))).toBe(true);
    expect(matches(sqsFilterView({ body: 'plain' }))).toBe(false);
  });
});
