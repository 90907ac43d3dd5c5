/**
 * The local cloud's one HTTP endpoint. JSON-protocol requests go by `X-Amz-Target` to a registered
 * `AwsJsonService` (or a raw proxy such as DynamoDB Local's); REST-style APIs (Lambda, /health, later
 * /graphql and the console) are path routes. Every failure becomes an answer in AWS's shape: a bad request
 * never takes the process down.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import {
  AwsError,
  type AwsJsonService,
  type AwsRequestContext,
  LOCAL_ACCOUNT_ID,
  LOCAL_REGION,
} from '../core/aws-service.js';
import { LocalCloudError } from '../core/errors.js';
import type { LocalLogger } from '../core/log.js';

export interface HttpRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: IncomingMessage['headers'];
  readonly body: Buffer;
  readonly context: AwsRequestContext;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
}

/** Answers the request, or returns undefined to let the next matching route have it. */
export type RouteHandler = (
  request: HttpRequest,
  match: RegExpMatchArray,
) => Promise<HttpResponse | undefined>;
/** Forwards a JSON-protocol request as it came (DynamoDB Local). */
export type RawTargetHandler = (request: HttpRequest, target: string) => Promise<HttpResponse>;

interface Route {
  readonly method: string;
  readonly pattern: RegExp;
  readonly handler: RouteHandler;
}

/** Errors a service may mark with the code AWS's query protocol would use (SQS sends both). */
interface QueryCompatible {
  readonly queryCompatibleCode?: string;
}

const MAX_BODY = 20 * 1024 * 1024;

export class Router {
  private readonly services = new Map<string, AwsJsonService>();
  private readonly rawTargets = new Map<string, RawTargetHandler>();
  private readonly routes: Route[] = [];
  private server?: Server;

  constructor(private readonly log: LocalLogger) {}

  /** Routes `X-Amz-Target: <targetPrefix>.<Operation>` to the service. */
  registerService(service: AwsJsonService): void {
    this.services.set(service.targetPrefix, service);
  }

  registerRawTarget(targetPrefix: string, handler: RawTargetHandler): void {
    this.rawTargets.set(targetPrefix, handler);
  }

  /** A path route; `pattern` is matched against the path (without the query string). First added wins. */
  addRoute(method: string, pattern: RegExp, handler: RouteHandler): void {
    this.routes.push({ method: method.toUpperCase(), pattern, handler });
  }

  get targetPrefixes(): string[] {
    return [...this.services.keys(), ...this.rawTargets.keys()];
  }

  async listen(port: number, host = '127.0.0.1'): Promise<number> {
    const server = createServer((req, res) => void this.serve(req, res));
    // Keep-alive sockets must not hold `stop()` up.
    server.keepAliveTimeout = 5_000;
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) =>
        reject(
          error.code === 'EADDRINUSE'
            ? new LocalCloudError('PORT_IN_USE', `port ${port} is in use: set PORT to another one`, {
                cause: error,
              })
            : error,
        ),
      );
      server.listen(port, host, () => resolve());
    });
    return (server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    let response: HttpResponse;
    try {
      const request = await readRequest(req);
      response = await this.dispatch(request);
    } catch (error) {
      response = errorResponse(error, 'application/x-amz-json-1.0');
      if (!(error instanceof AwsError))
        this.log.warn(`local cloud: ${req.method} ${req.url} failed: ${describe(error)}`);
    }
    if (res.headersSent) return;
    res.writeHead(response.status, { 'x-amzn-requestid': requestId, ...response.headers });
    res.end(response.body ?? '');
  }

  private async dispatch(request: HttpRequest): Promise<HttpResponse> {
    const target = header(request, 'x-amz-target');
    if (target) return this.dispatchTarget(request, target);
    for (const route of this.routes) {
      if (route.method !== request.method && route.method !== '*') continue;
      const match = request.url.pathname.match(route.pattern);
      const response = match ? await route.handler(request, match) : undefined;
      if (response) return response;
    }
    throw new AwsError(
      'UnknownOperationException',
      `no local route for ${request.method} ${request.url.pathname}`,
      404,
    );
  }

  private async dispatchTarget(request: HttpRequest, target: string): Promise<HttpResponse> {
    const dot = target.lastIndexOf('.');
    const prefix = target.slice(0, dot);
    const operation = target.slice(dot + 1);
    const contentType = header(request, 'content-type') ?? 'application/x-amz-json-1.0';
    const raw = this.rawTargets.get(prefix);
    if (raw) return raw(request, target);
    const service = this.services.get(prefix);
    if (!service || dot < 0) {
      throw new AwsError('UnknownOperationException', `the local cloud does not serve ${target}`);
    }
    try {
      let body: unknown = {};
      if (request.body.length > 0) {
        try {
          body = JSON.parse(request.body.toString('utf8'));
        } catch {
          throw new AwsError('SerializationException', 'the request body is not valid JSON');
        }
      }
      const result = await service.handle(operation, body, request.context);
      return { status: 200, headers: { 'content-type': contentType }, body: JSON.stringify(result ?? {}) };
    } catch (error) {
      if (!(error instanceof AwsError)) this.log.warn(`local cloud: ${target} failed: ${describe(error)}`);
      return errorResponse(error, contentType);
    }
  }
}

export function errorResponse(error: unknown, contentType: string): HttpResponse {
  const aws =
    error instanceof AwsError
      ? error
      : new AwsError('InternalFailure', `local cloud: ${describe(error)}`, 500);
  const headers: Record<string, string> = { 'content-type': contentType, 'x-amzn-errortype': aws.code };
  const queryCode = (aws as QueryCompatible).queryCompatibleCode;
  if (queryCode)
    headers['x-amzn-query-error'] = `${queryCode};${aws.statusCode < 500 ? 'Sender' : 'Receiver'}`;
  return {
    status: aws.statusCode,
    headers,
    body: JSON.stringify({ __type: aws.code, message: aws.message }),
  };
}

export function header(request: HttpRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

/** The request as routes see it: body read (bounded), region from the SigV4 scope, the caller's trace header. */
export async function readRequest(req: IncomingMessage): Promise<HttpRequest> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new AwsError('RequestEntityTooLargeException', 'request body too large', 413);
    chunks.push(chunk as Buffer);
  }
  const authorization = req.headers.authorization ?? '';
  // SigV4 scope: Credential=<key>/<date>/<region>/<service>/aws4_request. Signatures are not checked locally.
  const region = /Credential=[^/]+\/[^/]+\/([^/]+)\//.exec(authorization)?.[1] ?? LOCAL_REGION;
  const accessKeyId = /Credential=([^/\s]+)\//.exec(authorization)?.[1];
  const trace = req.headers['x-amzn-trace-id'];
  return {
    method: req.method ?? 'GET',
    url: new URL(req.url ?? '/', 'http://localhost'),
    headers: req.headers,
    // SDKs gzip large PutMetricData bodies (request compression).
    body: /gzip/i.test(String(req.headers['content-encoding'] ?? ''))
      ? gunzipSync(Buffer.concat(chunks), { maxOutputLength: MAX_BODY })
      : Buffer.concat(chunks),
    context: {
      region,
      accountId: LOCAL_ACCOUNT_ID,
      ...(typeof trace === 'string' ? { traceHeader: trace } : {}),
      ...(accessKeyId !== undefined ? { accessKeyId } : {}),
    },
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
