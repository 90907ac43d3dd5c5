/**
 * DynamoDB and DynamoDB Streams through the one endpoint: requests are forwarded to DynamoDB Local as they
 * came, with ARNs translated between the local cloud's region and DynamoDB Local's `ddblocal` both ways.
 */
import { AwsError, LOCAL_REGION } from '../core/aws-service.js';
import type { UsageMeter } from '../core/usage.js';
import type { HttpRequest, HttpResponse } from '../server/router.js';
import { LOCAL_AUTHORIZATION } from './dynamodb-local.js';
import { type LocalHttpResponse, postToLocal } from './local-http.js';
import { mayWrite, writtenTables } from './table-writes.js';

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

export interface DynamoDbProxyOptions {
  /** Called with the tables a successful write wrote (stream readers read at once). */
  readonly onWrite?: (tableNames: readonly string[]) => void;
  /** Meters read and write request units, as DynamoDB Local reports them (it computes them as DynamoDB does). */
  readonly usage?: UsageMeter;
}

const METERED = new Set([
  'GetItem',
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'Query',
  'Scan',
  'BatchGetItem',
  'BatchWriteItem',
  'TransactGetItems',
  'TransactWriteItems',
]);
const READS = new Set(['GetItem', 'Query', 'Scan', 'BatchGetItem', 'TransactGetItems']);

/** Asks DynamoDB Local for the consumed capacity when the caller did not; says whether it added the ask. */
function askCapacity(body: string, operation: string): { body: string; added: boolean } {
  if (!METERED.has(operation) || body.includes('"ReturnConsumedCapacity"')) return { body, added: false };
  const trimmed = body.trimEnd();
  if (!trimmed.endsWith('}')) return { body, added: false };
  const inner = trimmed.slice(0, -1).trimEnd();
  const separator = inner.endsWith('{') ? '' : ',';
  return { body: `${inner}${separator}"ReturnConsumedCapacity":"TOTAL"}`, added: true };
}

/** One ConsumedCapacity entry (`{"TableName":…,"CapacityUnits":n}`, keys in either order): no nested object. */
const CAPACITY_ENTRY = /\{[^{}]*"CapacityUnits":\s*[0-9.]+[^{}]*\}/g;

/**
 * Adds the capacity units of a response to the meter, per table. Read off the text (each flat object with a
 * `"CapacityUnits":n`), not parsed: this runs on every call. A caller who did not ask for the capacity gets it
 * anyway: a field of the response shape that the SDKs read like any other, and cheaper than rewriting every
 * answer.
 */
function meterCapacity(text: string, operation: string, usage: UsageMeter): void {
  if (!text.includes('"ConsumedCapacity"')) return;
  const meter = READS.has(operation) ? 'dynamodb.readRequestUnits' : 'dynamodb.writeRequestUnits';
  for (const [entry] of text.matchAll(CAPACITY_ENTRY)) {
    const units = Number(/"CapacityUnits":\s*([0-9.]+)/.exec(entry)?.[1]);
    usage.add(meter, units, /"TableName":\s*"([^"]+)"/.exec(entry)?.[1]);
  }
}

export function dynamoDbProxy(endpoint: string, options: DynamoDbProxyOptions = {}) {
  return async (request: HttpRequest, target: string): Promise<HttpResponse> => {
    const region = request.context.region;
    let body = request.body.toString('utf8');
    if (body.includes(`arn:aws:dynamodb:${region}:`)) {
      body = JSON.stringify(translate(JSON.parse(body), (arn) => toLocalArn(arn, region)));
    }
    const operation = target.slice(target.lastIndexOf('.') + 1);
    const metered =
      options.usage && target.startsWith(`${DYNAMODB_TARGET}.`)
        ? askCapacity(body, operation)
        : { body, added: false };
    let response: LocalHttpResponse;
    try {
      // node:http with kept-alive sockets: every function's DynamoDB call passes here, and fetch costs ~2.5
      // times the CPU per request.
      response = await postToLocal(
        endpoint,
        {
          'content-type': request.headers['content-type'] ?? 'application/x-amz-json-1.0',
          'x-amz-target': target,
          authorization: LOCAL_AUTHORIZATION,
        },
        metered.body,
        { safeToRepeat: !mayWrite(operation) },
      );
    } catch (cause) {
      throw new AwsError('ServiceUnavailable', `DynamoDB Local is not answering: ${String(cause)}`, 503);
    }
    const ok = response.status >= 200 && response.status < 300;
    let text = response.body;
    if (options.usage && target.startsWith(`${DYNAMODB_TARGET}.`)) {
      const table =
        /"TableName":\s*"([^"]+)"/.exec(body)?.[1] ?? /"RequestItems":\s*\{\s*"([^"]+)"/.exec(body)?.[1];
      options.usage.add('dynamodb.requests', 1, table ? `${operation} ${table}` : operation);
      if (ok) meterCapacity(text, operation, options.usage);
    }
    if (ok && options.onWrite && target.startsWith(`${DYNAMODB_TARGET}.`) && mayWrite(operation)) {
      options.onWrite(writtenTables(operation, parseOrUndefined(body)));
    }
    if (text.includes(LOCAL_ARN) || text.includes('"ddblocal"')) {
      text = JSON.stringify(translate(JSON.parse(text), (arn) => fromLocalArn(arn, region), region));
    }
    // The body may have changed, so DynamoDB Local's x-amz-crc32 is not passed on (clients only check it if present).
    const headers: Record<string, string> = {
      'content-type': response.headers['content-type'] ?? 'application/x-amz-json-1.0',
    };
    const errorType = response.headers['x-amzn-errortype'];
    if (errorType) headers['x-amzn-errortype'] = errorType;
    return { status: response.status, headers, body: text };
  };
}

function parseOrUndefined(json: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    return undefined;
  }
}
