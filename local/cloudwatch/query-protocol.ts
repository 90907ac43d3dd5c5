/**
 * CloudWatch's query protocol (form-encoded `Action=...&Version=2010-08-01`, XML answers), which the AWS CLI v2
 * as Debian ships it (botocore's 2023 model) speaks; the SDK for JavaScript v3 speaks the JSON protocol. A thin
 * adapter: the form becomes the JSON protocol's request (`A.member.1.B=...` → `{A: [{B: ...}]}`), the JSON
 * answer is rendered as XML (lists as `<member>`, `...Timestamp` fields as ISO 8601).
 */
import { randomUUID } from 'node:crypto';
import { AwsError } from '../core/aws-service.js';
import { type HttpRequest, type HttpResponse, header, type Router } from '../server/router.js';
import type { CloudWatchService } from './service.js';

const XMLNS = 'http://monitoring.amazonaws.com/doc/2010-08-01/';

/** Answers form-encoded requests signed for `monitoring` (CloudWatch's signing name). */
export function registerCloudWatchQueryProtocol(router: Router, service: CloudWatchService): void {
  router.addRoute('POST', /.*/, async (request) => {
    if (!header(request, 'content-type')?.startsWith('application/x-www-form-urlencoded')) return undefined;
    if (signingScope(request) !== service.signingName) return undefined;
    const form = new URLSearchParams(request.body.toString('utf8'));
    const action = form.get('Action');
    if (!action) return undefined;
    return answer(action, form, service);
  });
}

/** The service of the SigV4 credential scope (`Credential=<key>/<date>/<region>/<service>/aws4_request`). */
export function signingScope(request: HttpRequest): string | undefined {
  return /Credential=[^/]+\/[^/]+\/[^/]+\/([^/]+)\//.exec(header(request, 'authorization') ?? '')?.[1];
}

async function answer(
  action: string,
  form: URLSearchParams,
  service: CloudWatchService,
): Promise<HttpResponse> {
  const requestId = randomUUID();
  try {
    const result = (await service.handle(action, formToJson(form))) as Record<string, unknown>;
    const body = Object.keys(result).length > 0 ? `<${action}Result>${toXml(result)}</${action}Result>` : '';
    const xml = `<${action}Response xmlns="${XMLNS}">${body}<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`;
    return { status: 200, headers: { 'content-type': 'text/xml' }, body: xml };
  } catch (error) {
    const aws = error instanceof AwsError ? error : new AwsError('InternalFailure', String(error), 500);
    const code = (aws as { queryCompatibleCode?: string }).queryCompatibleCode ?? aws.code;
    const type = aws.statusCode < 500 ? 'Sender' : 'Receiver';
    const xml = `<ErrorResponse xmlns="${XMLNS}"><Error><Type>${type}</Type><Code>${escapeXml(code)}</Code><Message>${escapeXml(aws.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
    return { status: aws.statusCode, headers: { 'content-type': 'text/xml' }, body: xml };
  }
}

/** `A.member.1.B.member.2=v` → `{A: [{B: [, v]}]}`; `Action` and `Version` left out. */
export function formToJson(form: URLSearchParams): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of form) {
    if (key === 'Action' || key === 'Version') continue;
    const parts = key.split('.');
    let node: Record<string, unknown> | unknown[] = root;
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      const last = i === parts.length - 1;
      if (part === 'member' || part === 'entry') continue;
      const slot = /^\d+$/.test(part) ? Number(part) - 1 : part;
      const nextIsIndex = !last && ['member', 'entry'].includes(parts[i + 1]!);
      const container = node as Record<string | number, unknown>;
      if (last) container[slot] = value;
      else container[slot] ??= nextIsIndex ? [] : {};
      node = container[slot] as Record<string, unknown> | unknown[];
    }
  }
  return compact(root) as Record<string, unknown>;
}

/** Lists filled sparsely (`member.2` before `member.1`) closed up. */
function compact(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((item) => item !== undefined).map(compact);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, compact(item)]));
  return value;
}

export function toXml(value: Record<string, unknown>): string {
  return Object.entries(value)
    .filter(([, item]) => item !== undefined && item !== null)
    .map(([key, item]) => `<${key}>${render(key, item)}</${key}>`)
    .join('');
}

/** Maps the query protocol renders as `<entry><key/><value/></entry>` (GetMetricStatistics' percentiles). */
const XML_MAPS = new Set(['ExtendedStatistics']);

function render(key: string, value: unknown): string {
  if (Array.isArray(value)) return value.map((item) => `<member>${render(key, item)}</member>`).join('');
  if (value && typeof value === 'object' && XML_MAPS.has(key))
    return Object.entries(value)
      .map(([k, v]) => `<entry><key>${escapeXml(k)}</key><value>${render(k, v)}</value></entry>`)
      .join('');
  if (value && typeof value === 'object') return toXml(value as Record<string, unknown>);
  if ((key.endsWith('Timestamp') || key === 'Timestamps') && typeof value === 'number')
    return new Date(value * 1000).toISOString();
  return escapeXml(String(value));
}

function escapeXml(text: string): string {
  return text.replace(/[<>&'"\r]/g, (char) => `&#${char.charCodeAt(0)};`);
}
