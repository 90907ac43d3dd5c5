/**
 * DynamoDB and DynamoDB Streams through the one endpoint: requests are forwarded to DynamoDB Local as they
 * came, with ARNs translated between the local cloud's region and DynamoDB Local's `ddblocal` both ways.
 */
import { AwsError, LOCAL_REGION } from '../core/aws-service.js';
import type { HttpRequest, HttpResponse } from '../server/router.js';
import { LOCAL_AUTHORIZATION } from './dynamodb-local.js';

export const DYNAMODB_TARGET = 'DynamoDB_20120810';
export const DYNAMODB_STREAMS_TARGET = 'DynamoDBStreams_20120810';

const LOCAL_ARN = 'arn:aws:dynamodb:ddblocal:';

export function toLocalArn(arn: string, region = LOCAL_REGION): string {
  return arn.startsWith(`arn:aws:dynamodb:${region}:`)
    ? LOCAL_ARN + arn.slice(`arn:aws:dynamodb:${region}:`.length)
    : arn;
}

export function fromLocalArn(arn: string, region = LOCAL_REGION): string {
  return arn.startsWith(LOCAL_ARN) ? `arn:aws:dynamodb:${region}:${arn.slice(LOCAL_ARN.length)}` : arn;
}

/** Rewrites ARN-valued fields (keys ending in `Arn`) and stream records' `awsRegion`, never item data. */
export function translate(value: unknown, convert: (arn: string) => string, region?: string): unknown {
  if (Array.isArray(value)) return value.map((item) => translate(item, convert, region));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
    if (isItemData(key)) out[key] = inner;
    else if (typeof inner === 'string' && key.endsWith('Arn')) out[key] = convert(inner);
    else if (key === 'awsRegion' && region && typeof inner === 'string') out[key] = region;
    else out[key] = translate(inner, convert, region);
  }
  return out;
}

const ITEM_KEYS = new Set([
  'Item',
  'Items',
  'Key',
  'Keys',
  'Attributes',
  'ExpressionAttributeValues',
  'ExclusiveStartKey',
  'LastEvaluatedKey',
  'NewImage',
  'OldImage',
  'Responses',
  'UnprocessedItems',
  'UnprocessedKeys',
  'RequestItems',
  'ItemCollectionKey',
]);

function isItemData(key: string): boolean {
  return ITEM_KEYS.has(key);
}

export function dynamoDbProxy(endpoint: string) {
  return async (request: HttpRequest, target: string): Promise<HttpResponse> => {
    const region = request.context.region;
    let body = request.body.toString('utf8');
    if (body.includes(`arn:aws:dynamodb:${region}:`)) {
      body = JSON.stringify(translate(JSON.parse(body), (arn) => toLocalArn(arn, region)));
    }
    let response: Response;
    try {
      response = await fetch(endpoint, {
        method: 'POST',
        headers: {
          'content-type': request.headers['content-type'] ?? 'application/x-amz-json-1.0',
          'x-amz-target': target,
          authorization: LOCAL_AUTHORIZATION,
        },
        body,
      });
    } catch (cause) {
      throw new AwsError('ServiceUnavailable', `DynamoDB Local is not answering: ${String(cause)}`, 503);
    }
    let text = await response.text();
    if (text.includes(LOCAL_ARN) || text.includes('"ddblocal"')) {
      text = JSON.stringify(translate(JSON.parse(text), (arn) => fromLocalArn(arn, region), region));
    }
    // The body may have changed, so DynamoDB Local's x-amz-crc32 is not passed on (clients only check it if present).
    const headers: Record<string, string> = {
      'content-type': response.headers.get('content-type') ?? 'application/x-amz-json-1.0',
    };
    const errorType = response.headers.get('x-amzn-errortype');
    if (errorType) headers['x-amzn-errortype'] = errorType;
    return { status: response.status, headers, body: text };
  };
}
