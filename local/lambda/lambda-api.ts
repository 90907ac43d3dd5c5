/**
 * Lambda's REST API on the endpoint: Invoke (`POST /2015-03-31/functions/<name>/invocations`),
 * ListFunctions / GetFunction / GetFunctionConfiguration so that the AWS CLI and SDKs can look around, and
 * versions and aliases (PublishVersion, ListVersionsByFunction, ListAliases, GetAlias, UpdateAlias with a
 * routing configuration) so that traffic can be shifted between versions (local/lambda/versions.ts).
 */
import { AwsError } from '../core/aws-service.js';
import {
  errorResponse,
  type HttpRequest,
  type HttpResponse,
  header,
  json,
  type Router,
} from '../server/router.js';
import { codeOf, type LocalFunction } from './functions.js';
import type { LambdaService } from './lambda-service.js';
import {
  aliasConfiguration,
  codeSha256,
  parseBody,
  publishVersion,
  publishVersionSchema,
  updateAlias,
  updateAliasSchema,
} from './versions.js';

const FUNCTIONS = '^/2015-03-31/functions';

export function registerLambdaApi(router: Router, lambda: LambdaService): void {
  const guarded =
    (handler: (request: HttpRequest, match: RegExpMatchArray) => Promise<HttpResponse>) =>
    async (request: HttpRequest, match: RegExpMatchArray) => {
      try {
        return await handler(request, match);
      } catch (error) {
        return errorResponse(error, 'application/json');
      }
    };

  router.addRoute(
    'POST',
    new RegExp(`${FUNCTIONS}/([^/]+)/invocations/?$`),
    guarded(async (request, match) => {
      const reference = decodeURIComponent(match[1] ?? '');
      const invocationType = header(request, 'x-amz-invocation-type') ?? 'RequestResponse';
      const qualifier = request.url.searchParams.get('Qualifier') ?? undefined;
      if (invocationType === 'DryRun') {
        lambda.find(reference, qualifier);
        return { status: 204 };
      }
      if (invocationType !== 'RequestResponse' && invocationType !== 'Event') {
        throw new AwsError('InvalidParameterValueException', `invalid invocation type ${invocationType}`);
      }
      const traceHeader = request.context.traceHeader;
      const result = await lambda.invokeRaw(reference, request.body.toString('utf8'), {
        invocationType,
        ...(qualifier ? { qualifier } : {}),
        ...(traceHeader ? { traceHeader } : {}),
      });
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'x-amz-executed-version': result.executedVersion,
        'x-amzn-requestid': result.requestId,
      };
      if (result.functionError) headers['x-amz-function-error'] = result.functionError;
      if (header(request, 'x-amz-log-type') === 'Tail') {
        headers['x-amz-log-result'] = Buffer.from(`REPORT RequestId: ${result.requestId}\n`).toString(
          'base64',
        );
      }
      return { status: result.statusCode, headers, body: result.payloadText };
    }),
  );

  router.addRoute(
    'GET',
    new RegExp(`${FUNCTIONS}/?$`),
    guarded(async () => json(200, { Functions: lambda.functions.map((fn) => configuration(fn)) })),
  );

  router.addRoute(
    'GET',
    new RegExp(`${FUNCTIONS}/([^/]+)/configuration/?$`),
    guarded(async (request, match) => {
      const { fn, version } = lambda.find(decodeURIComponent(match[1] ?? ''), qualifierOf(request));
      return json(200, configuration(fn, version));
    }),
  );

  router.addRoute(
    'GET',
    new RegExp(`${FUNCTIONS}/([^/]+)/aliases/?$`),
    guarded(async (_request, match) => {
      const { fn } = lambda.find(decodeURIComponent(match[1] ?? ''));
      return json(200, { Aliases: [...fn.aliases.keys()].map((name) => aliasConfiguration(fn, name)) });
    }),
  );

  router.addRoute(
    'GET',
    new RegExp(`${FUNCTIONS}/([^/]+)/aliases/([^/]+)/?$`),
    guarded(async (_request, match) => {
      const { fn } = lambda.find(decodeURIComponent(match[1] ?? ''));
      return json(200, aliasConfiguration(fn, decodeURIComponent(match[2] ?? '')));
    }),
  );

  router.addRoute(
    'PUT',
    new RegExp(`${FUNCTIONS}/([^/]+)/aliases/([^/]+)/?$`),
    guarded(async (request, match) => {
      const { fn } = lambda.find(decodeURIComponent(match[1] ?? ''));
      const body = parseBody(updateAliasSchema, request.body);
      return json(200, updateAlias(fn, decodeURIComponent(match[2] ?? ''), body));
    }),
  );

  router.addRoute(
    'POST',
    new RegExp(`${FUNCTIONS}/([^/]+)/versions/?$`),
    guarded(async (request, match) => {
      const { fn } = lambda.find(decodeURIComponent(match[1] ?? ''));
      const version = publishVersion(fn, parseBody(publishVersionSchema, request.body));
      return json(201, configuration(fn, version));
    }),
  );

  router.addRoute(
    'GET',
    new RegExp(`${FUNCTIONS}/([^/]+)/versions/?$`),
    guarded(async (request, match) => {
      const { fn } = lambda.find(decodeURIComponent(match[1] ?? ''));
      const all = ['$LATEST', ...[...fn.versions].sort((a, b) => Number(a) - Number(b))];
      // Marker: the index to go on from, as a string (opaque to the caller).
      const start = Number(request.url.searchParams.get('Marker') ?? 0);
      const max = Math.min(10_000, Math.max(1, Number(request.url.searchParams.get('MaxItems') ?? 50) || 50));
      if (!Number.isInteger(start) || start < 0 || start > all.length) {
        throw new AwsError('InvalidParameterValueException', 'invalid Marker');
      }
      const page = all.slice(start, start + max);
      return json(200, {
        Versions: page.map((version) => configuration(fn, version)),
        ...(start + max < all.length ? { NextMarker: String(start + max) } : {}),
      });
    }),
  );

  router.addRoute(
    'GET',
    new RegExp(`${FUNCTIONS}/([^/]+)/?$`),
    guarded(async (request, match) => {
      const { fn, version } = lambda.find(decodeURIComponent(match[1] ?? ''), qualifierOf(request));
      return json(200, {
        Configuration: configuration(fn, version),
        Code: { RepositoryType: 'S3', Location: `file://${codeOf(fn, version).assetDir}` },
        Tags: {},
      });
    }),
  );
}

function qualifierOf(request: HttpRequest): string | undefined {
  return request.url.searchParams.get('Qualifier') ?? undefined;
}

function configuration(fn: LocalFunction, version = '$LATEST'): Record<string, unknown> {
  return {
    FunctionName: fn.name,
    FunctionArn: version === '$LATEST' ? fn.arn : `${fn.arn}:${version}`,
    Runtime: fn.runtime,
    Handler: fn.handler,
    Timeout: fn.timeoutSeconds,
    MemorySize: fn.memoryMb,
    Version: version,
    CodeSha256: codeSha256(fn, version),
    State: 'Active',
    LastUpdateStatus: 'Successful',
    PackageType: 'Zip',
    Architectures: ['x86_64'],
    TracingConfig: { Mode: fn.tracing },
    Environment: { Variables: fn.environment },
    Description: fn.versionDescriptions.get(version) ?? `${fn.stackName}/${fn.logicalId}`,
    ...(fn.reservedConcurrency !== undefined ? { ReservedConcurrentExecutions: fn.reservedConcurrency } : {}),
  };
}
