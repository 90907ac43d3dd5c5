/**
 * Lambda function URLs (`AWS::Lambda::Url`) on the local endpoint: `<endpoint>/lambda-url/<id>/<path>`, the
 * URL the template's `FunctionUrl` attribute resolves to locally (physical-names.ts). A request becomes the
 * payload format 2.0 event Lambda sends, the function's answer becomes the HTTP response as Lambda maps it
 * (a `statusCode` object, or any JSON as a 200 `application/json` body), and a failed invocation a 502.
 *
 * `AuthType: AWS_IAM` is enforced as in AWS: an unsigned request is 403 Forbidden, and a signed one must be
 * allowed `lambda:InvokeFunctionUrl` on the function (or its alias) by its caller's identity policies (the
 * role the access key belongs to; see local/iam). Signatures themselves are not checked locally.
 */
import { randomUUID } from 'node:crypto';
import type { LocalCloud } from '../cloud.js';
import type { LocalCloudPlugin } from '../core/plugin.js';
import { authorize } from '../iam/policy.js';
import { type HttpRequest, type HttpResponse, header, json } from '../server/router.js';

export const FUNCTION_URL_TYPES = ['AWS::Lambda::Url'];

/** Lambda's limit on a function URL's request and response payloads. */
const MAX_PAYLOAD = 6 * 1024 * 1024;

export interface LocalFunctionUrl {
  readonly urlId: string;
  readonly url: string;
  readonly functionArn: string;
  readonly qualifier?: string;
  readonly authType: 'AWS_IAM' | 'NONE';
}

export interface FunctionUrlsPlugin extends LocalCloudPlugin {
  readonly urls: readonly LocalFunctionUrl[];
}

export function functionUrlsPlugin(): FunctionUrlsPlugin {
  const urls: LocalFunctionUrl[] = [];
  return {
    name: 'function-urls',
    resourceTypes: FUNCTION_URL_TYPES,
    urls,
    start(cloud: LocalCloud) {
      for (const resource of cloud.model.resources('AWS::Lambda::Url')) {
        const properties = cloud.model.properties(resource);
        const identity = cloud.model.identity(resource);
        const qualifier = typeof properties.Qualifier === 'string' ? properties.Qualifier : undefined;
        urls.push({
          urlId: identity.name,
          url: String(identity.attributes.FunctionUrl),
          functionArn: String(identity.attributes.FunctionArn),
          ...(qualifier ? { qualifier } : {}),
          authType: properties.AuthType === 'NONE' ? 'NONE' : 'AWS_IAM',
        });
      }
      const byId = new Map(urls.map((url) => [url.urlId, url]));
      cloud.router.addRoute('*', /^\/lambda-url\/([a-z0-9]+)(\/.*)?$/, async (request, match) => {
        const url = byId.get(match[1] ?? '');
        if (!url) return json(404, { Message: 'Not Found' });
        return serve(cloud, url, request, match[2] || '/');
      });
      if (urls.length > 0) cloud.logger.info(`  lambda: ${urls.length} function URL(s)`);
    },
    health: () => ({ functionUrls: urls.length }),
  };
}

async function serve(
  cloud: LocalCloud,
  url: LocalFunctionUrl,
  request: HttpRequest,
  path: string,
): Promise<HttpResponse> {
  const target = url.qualifier ? `${url.functionArn}:${url.qualifier}` : url.functionArn;
  const accessKeyId = request.context.accessKeyId;
  if (url.authType === 'AWS_IAM') {
    if (accessKeyId === undefined) return json(403, { Message: 'Forbidden' });
    const principal = cloud.iam.principalForAccessKey(accessKeyId);
    const decision = authorize({ principal, action: 'lambda:InvokeFunctionUrl', resource: target });
    if (decision.effect !== 'Allow') return json(403, { Message: 'Forbidden' });
  }
  if (request.body.length > MAX_PAYLOAD) return json(413, { Message: 'Request must be smaller than 6 MB' });

  const event = functionUrlEvent(cloud, url, request, path, accessKeyId);
  const result = await cloud.lambda.invokeRaw(url.functionArn, JSON.stringify(event), {
    ...(url.qualifier ? { qualifier: url.qualifier } : {}),
    ...(request.context.traceHeader ? { traceHeader: request.context.traceHeader } : {}),
  });
  if (result.functionError) return json(502, { Message: 'Internal Server Error' });
  if (result.payloadText.length > MAX_PAYLOAD) return json(502, { Message: 'Response too large' });
  return httpResponseOf(result.payloadText);
}

/** Lambda's payload format version 2.0, as a function URL sends it. */
function functionUrlEvent(
  cloud: LocalCloud,
  url: LocalFunctionUrl,
  request: HttpRequest,
  path: string,
  accessKeyId: string | undefined,
) {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined || name === 'cookie') continue;
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const query: Record<string, string> = {};
  for (const [name, value] of request.url.searchParams)
    query[name] = query[name] ? `${query[name]},${value}` : value;
  const cookies = header(request, 'cookie')?.split(/;\s*/).filter(Boolean);
  const contentType = header(request, 'content-type') ?? '';
  const text = /^(text\/|application\/(json|x-www-form-urlencoded|xml|javascript))/i.test(contentType);
  const now = Date.now();
  const domainName = new URL(url.url).host;
  const principal = cloud.iam.principalForAccessKey(accessKeyId);
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: request.url.search.replace(/^\?/, ''),
    ...(cookies?.length ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: url.authType === 'AWS_IAM' ? principal.accountId : 'anonymous',
      apiId: url.urlId,
      ...(url.authType === 'AWS_IAM'
        ? {
            authorizer: {
              iam: {
                accessKey: accessKeyId,
                accountId: principal.accountId,
                callerId: principal.arn,
                cognitoIdentity: null,
                principalOrgId: null,
                userArn: principal.arn,
                userId: principal.arn,
              },
            },
          }
        : {}),
      domainName,
      domainPrefix: url.urlId,
      http: {
        method: request.method,
        path,
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: header(request, 'user-agent') ?? '',
      },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: new Date(now).toUTCString(),
      timeEpoch: now,
    },
    ...(request.body.length > 0
      ? { body: text ? request.body.toString('utf8') : request.body.toString('base64') }
      : {}),
    isBase64Encoded: request.body.length > 0 && !text,
  };
}

/** How Lambda maps a function URL's response: a `statusCode` object as given, anything else as JSON. */
function httpResponseOf(payloadText: string): HttpResponse {
  let payload: unknown;
  try {
    payload = payloadText === '' ? null : JSON.parse(payloadText);
  } catch {
    return json(502, { Message: 'Internal Server Error' });
  }
  if (typeof payload === 'object' && payload !== null && 'statusCode' in payload) {
    const answer = payload as {
      statusCode: unknown;
      headers?: Record<string, unknown>;
      body?: unknown;
      isBase64Encoded?: boolean;
      cookies?: unknown[];
    };
    const status = Number(answer.statusCode);
    if (!Number.isInteger(status) || status < 100 || status > 599)
      return json(502, { Message: 'Internal Server Error' });
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(answer.headers ?? {}))
      headers[name.toLowerCase()] = String(value);
    if (Array.isArray(answer.cookies) && answer.cookies.length)
      headers['set-cookie'] = answer.cookies.join(', ');
    const body =
      answer.body === undefined || answer.body === null
        ? ''
        : answer.isBase64Encoded
          ? Buffer.from(String(answer.body), 'base64')
          : String(answer.body);
    return { status, headers, body };
  }
  return { status: 200, headers: { 'content-type': 'application/json' }, body: payloadText };
}
