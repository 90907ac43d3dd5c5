/**
 * SQS's query protocol (form-encoded `Action=...`, XML answers), which AWS CLI v2 before 2.13 and older SDKs
 * still speak. A thin adapter: the form becomes the JSON protocol's request, the answer is rendered as XML.
 */
import { randomUUID } from 'node:crypto';
import { AwsError } from '../core/aws-service.js';
import { type HttpRequest, type HttpResponse, header, type Router } from '../server/router.js';
import type { SqsService } from './sqs-service.js';

type Form = URLSearchParams;
type Json = Record<string, unknown>;

export function registerSqsQueryProtocol(router: Router, sqs: SqsService): void {
  router.addRoute('POST', /.*/, async (request) => {
    if (!header(request, 'content-type')?.startsWith('application/x-www-form-urlencoded')) return undefined;
    // Other query-protocol services (CloudWatch) share the endpoint: theirs are signed for another scope.
    const scope = /Credential=[^/]+\/[^/]+\/[^/]+\/([^/]+)\//.exec(
      header(request, 'authorization') ?? '',
    )?.[1];
    if (scope !== undefined && scope !== 'sqs') return undefined;
    const form = new URLSearchParams(request.body.toString('utf8'));
    const action = form.get('Action');
    if (!action) return undefined;
    return answer(action, form, request, sqs);
  });
}

async function answer(
  action: string,
  form: Form,
  request: HttpRequest,
  sqs: SqsService,
): Promise<HttpResponse> {
  const requestId = randomUUID();
  try {
    const body = toJson(action, form, request);
    const result = (await sqs.handle(action, body)) as Json;
    const xml = `<?xml version="1.0"?><${action}Response xmlns="http://queue.amazonaws.com/doc/2012-11-05/"><${action}Result>${render(action, result)}</${action}Result><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`;
    return { status: 200, headers: { 'content-type': 'text/xml' }, body: xml };
  } catch (error) {
    const aws = error instanceof AwsError ? error : new AwsError('InternalFailure', String(error), 500);
    const code = (aws as { queryCompatibleCode?: string }).queryCompatibleCode ?? aws.code;
    const xml = `<?xml version="1.0"?><ErrorResponse><Error><Type>${aws.statusCode < 500 ? 'Sender' : 'Receiver'}</Type><Code>${escapeXml(code)}</Code><Message>${escapeXml(aws.message)}</Message><Detail/></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
    return { status: aws.statusCode, headers: { 'content-type': 'text/xml' }, body: xml };
  }
}

/** Form fields → the JSON protocol's request. Queue URLs may also come as the request path. */
function toJson(action: string, form: Form, request: HttpRequest): Json {
  const body: Json = {};
  for (const [key, value] of form) {
    if (!key.includes('.') && key !== 'Action' && key !== 'Version') body[key] = value;
  }
  if (!body.QueueUrl && /^\/\d{12}\/[^/]+$/.test(request.url.pathname)) body.QueueUrl = request.url.pathname;
  const attributeNames = list(form, 'AttributeName');
  if (attributeNames.length) body.AttributeNames = attributeNames;
  const messageAttributeNames = list(form, 'MessageAttributeName');
  if (messageAttributeNames.length) body.MessageAttributeNames = messageAttributeNames;
  const attributes = nameValues(form, 'Attribute');
  if (Object.keys(attributes).length) body.Attributes = attributes;
  const messageAttributes = messageAttributeMap(form, 'MessageAttribute');
  if (Object.keys(messageAttributes).length) body.MessageAttributes = messageAttributes;
  const entryPrefix = `${action}RequestEntry`;
  const entries = indexed(form, entryPrefix).map((entry) => {
    const out: Json = {};
    for (const [key, value] of entry) if (!key.includes('.')) out[key] = value;
    const attrs = messageAttributeMap(entry, 'MessageAttribute');
    if (Object.keys(attrs).length) out.MessageAttributes = attrs;
    return out;
  });
  if (entries.length) body.Entries = entries;
  return body;
}

/** `Prefix.1`, `Prefix.2`... as a list of values. */
function list(form: Form, prefix: string): string[] {
  const values: string[] = [];
  for (let i = 1; form.has(`${prefix}.${i}`); i++) values.push(form.get(`${prefix}.${i}`)!);
  return values;
}

/** `Prefix.N.<rest>` groups as forms of `<rest>`. */
function indexed(form: Form, prefix: string): Form[] {
  const groups = new Map<number, Form>();
  for (const [key, value] of form) {
    const match = key.match(new RegExp(`^${prefix}\\.(\\d+)\\.(.+)$`));
    if (!match) continue;
    const index = Number(match[1]);
    if (!groups.has(index)) groups.set(index, new URLSearchParams());
    groups.get(index)!.append(match[2]!, value);
  }
  return [...groups.entries()].sort(([a], [b]) => a - b).map(([, group]) => group);
}

function nameValues(form: Form, prefix: string): Record<string, string> {
  return Object.fromEntries(
    indexed(form, prefix).map((entry) => [entry.get('Name') ?? '', entry.get('Value') ?? '']),
  );
}

function messageAttributeMap(form: Form, prefix: string): Record<string, Json> {
  return Object.fromEntries(
    indexed(form, prefix).map((entry) => [
      entry.get('Name') ?? '',
      {
        DataType: entry.get('Value.DataType') ?? 'String',
        ...(entry.has('Value.StringValue') ? { StringValue: entry.get('Value.StringValue') } : {}),
        ...(entry.has('Value.BinaryValue') ? { BinaryValue: entry.get('Value.BinaryValue') } : {}),
      },
    ]),
  );
}

function render(action: string, result: Json): string {
  switch (action) {
    case 'ListQueues':
      return ((result.QueueUrls ?? []) as string[]).map((url) => tag('QueueUrl', url)).join('');
    case 'ListDeadLetterSourceQueues':
      return ((result.queueUrls ?? []) as string[]).map((url) => tag('QueueUrl', url)).join('');
    case 'GetQueueAttributes':
      return attributes('Attribute', (result.Attributes ?? {}) as Record<string, string>);
    case 'ReceiveMessage':
      return ((result.Messages ?? []) as Json[])
        .map((message) => tag('Message', renderMessage(message), false))
        .join('');
    case 'SendMessageBatch':
    case 'DeleteMessageBatch':
    case 'ChangeMessageVisibilityBatch':
      return [
        ...((result.Successful ?? []) as Json[]).map((entry) =>
          tag(`${action}ResultEntry`, fields(entry), false),
        ),
        ...((result.Failed ?? []) as Json[]).map((entry) =>
          tag('BatchResultErrorEntry', fields(entry), false),
        ),
      ].join('');
    default:
      return fields(result);
  }
}

function renderMessage(message: Json): string {
  const { Attributes, MessageAttributes, ...rest } = message;
  return (
    fields(rest) +
    attributes('Attribute', (Attributes ?? {}) as Record<string, string>) +
    Object.entries((MessageAttributes ?? {}) as Record<string, Json>)
      .map(([name, value]) =>
        tag('MessageAttribute', tag('Name', name) + tag('Value', fields(value), false), false),
      )
      .join('')
  );
}

function fields(object: Json): string {
  return Object.entries(object)
    .filter(([, value]) => value !== undefined && (typeof value !== 'object' || value === null))
    .map(([key, value]) => tag(key, String(value)))
    .join('');
}

function attributes(name: string, map: Record<string, string>): string {
  return Object.entries(map)
    .map(([key, value]) => tag(name, tag('Name', key) + tag('Value', value), false))
    .join('');
}

function tag(name: string, content: string, escapeContent = true): string {
  return `<${name}>${escapeContent ? escapeXml(content) : content}</${name}>`;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&'"\r]/g, (char) => `&#${char.charCodeAt(0)};`);
}
