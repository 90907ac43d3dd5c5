/**
 * AppSync, locally. Reads every GraphQL API of the assembly; a merged API's schema is the merge of its
 * associated source APIs (a conflict stops start-up, naming the type and field); each field runs the
 * resolver of the source API that owns it. The merged API (or the only API) is served at `/graphql`, every
 * API also at `/apis/<apiId>/graphql`:
 * - `POST .../graphql` `{query, variables, operationName}` with `x-api-key` or `Authorization`;
 * - `GET .../graphql` from a browser: a small query editor; `GET .../graphql/schema`: the SDL;
 * - `GET .../graphql/subscriptions?query=...&variables=...`: a subscription as server-sent events;
 * - `.../graphql/realtime`: AppSync's real-time WebSocket protocol (realtime.ts);
 * - `GET /v1/apis[/<apiId>]`: the control plane's ListGraphqlApis and GetGraphqlApi (control-plane.ts).
 * JWTs count only when `verifyJwt` (the local Cognito) vouches for them.
 * The API key is `local-dev-key` unless `LOCAL_API_KEY` (or the `apiKey` option) says otherwise.
 */
import { type DefinitionNode, type DocumentNode, Kind, parse, print } from 'graphql';
import type { LocalCloud } from '../core/local-cloud.js';
import type { LocalCloudPlugin } from '../core/plugin.js';
import { type HttpRequest, type HttpResponse, header, json, type Router } from '../server/router.js';
import { authenticate, DEFAULT_LOCAL_API_KEY, type JwtVerifier, UNAUTHORIZED_BODY } from './auth.js';
import { isBuiltIn } from './builtins.js';
import { registerControlPlane } from './control-plane.js';
import { ExecutableApi, failure } from './executable.js';
import { graphiqlPage } from './graphiql.js';
import { mergeSchemas, SchemaMergeError } from './merge.js';
import { planResolver, type ResolverPlan } from './plan.js';
import { RealtimeEndpoint } from './realtime.js';
import { type GraphQLApiDefinition, readGraphQLApis } from './resources.js';
import { attachEventStreams, attachUpgrades } from './server-hooks.js';
import { SubscriptionHub } from './subscriptions.js';

export interface AppSyncPluginOptions {
  /** @default process.env.LOCAL_API_KEY ?? 'local-dev-key' */
  readonly apiKey?: string;
  /** Vouches for JWTs (the local Cognito's `verify`). @default every JWT is refused */
  readonly verifyJwt?: JwtVerifier;
  /** The real-time protocol's keep-alive period. @default 60000 */
  readonly realtimeKeepAliveMs?: number;
}

export interface ServedApi {
  readonly definition: GraphQLApiDefinition;
  readonly api: ExecutableApi;
  readonly sdl: string;
  readonly hub: SubscriptionHub;
  /** Resolvers that cannot run locally, one line each. */
  readonly unsupported: readonly string[];
}

export interface AppSyncPlugin extends LocalCloudPlugin {
  /** By API id. */
  readonly apis: ReadonlyMap<string, ServedApi>;
  /** The API at `/graphql`. */
  readonly primary: ServedApi | undefined;
}

export const APPSYNC_RESOURCE_TYPES = [
  'AWS::AppSync::GraphQLApi',
  'AWS::AppSync::GraphQLSchema',
  'AWS::AppSync::DataSource',
  'AWS::AppSync::Resolver',
  'AWS::AppSync::ApiKey',
  'AWS::AppSync::SourceApiAssociation',
];

const GRAPHQL = /^(?:\/apis\/([^/]+))?\/graphql\/?$/;
const SCHEMA = /^(?:\/apis\/([^/]+))?\/graphql\/schema\/?$/;
const SUBSCRIPTIONS = /^(?:\/apis\/([^/]+))?\/graphql\/subscriptions\/?$/;
const REALTIME = /^(?:\/apis\/([^/]+))?\/graphql\/realtime\/?$/;

export function appsyncPlugin(options: AppSyncPluginOptions = {}): AppSyncPlugin {
  const apis = new Map<string, ServedApi>();
  let primary: ServedApi | undefined;
  let detach: (() => void) | undefined;
  let detachUpgrades: (() => void) | undefined;
  let realtime: RealtimeEndpoint | undefined;

  const plugin: AppSyncPlugin = {
    name: 'appsync',
    resourceTypes: APPSYNC_RESOURCE_TYPES,
    get apis() {
      return apis;
    },
    get primary() {
      return primary;
    },
    start(cloud: LocalCloud) {
      const definitions = readGraphQLApis(cloud.model);
      if (!definitions.length) return;
      const apiKey = options.apiKey ?? process.env.LOCAL_API_KEY ?? DEFAULT_LOCAL_API_KEY;
      for (const definition of definitions) {
        const served = serve(definition, definitions, cloud);
        apis.set(definition.apiId, served);
        for (const line of served.unsupported) cloud.logger.warn(`  appsync: not supported locally: ${line}`);
      }
      const merged = [...apis.values()].filter((served) => served.definition.merged);
      primary = merged[0] ?? (apis.size === 1 ? [...apis.values()][0] : undefined);
      if (merged.length > 1)
        cloud.logger.warn(
          `  appsync: ${merged.length} merged APIs: /graphql serves "${primary?.definition.name}"`,
        );
      const find = (apiId: string | undefined) => (apiId ? apis.get(decodeURIComponent(apiId)) : primary);

      const verify = { ...(options.verifyJwt ? { verifyJwt: options.verifyJwt } : {}) };
      registerRoutes(cloud.router, find, apiKey, verify, () => cloud.usage?.add('appsync.operations'));
      registerControlPlane(cloud.router, cloud.model, () => definitions);
      detach = attachEventStreams(cloud.router, (req, res, url) => {
        const match = url.pathname.match(SUBSCRIPTIONS);
        const served = match ? find(match[1]) : undefined;
        if (!match || !served || req.method !== 'GET') return false;
        const caller = authenticate(served.definition, req.headers, apiKey, {
          ...verify,
          ...(req.socket.remoteAddress ? { sourceIp: req.socket.remoteAddress } : {}),
        });
        const headers = Object.fromEntries(
          Object.entries(req.headers).flatMap(([name, v]) =>
            v === undefined ? [] : [[name, Array.isArray(v) ? v.join(',') : v]],
          ),
        );
        served.hub.open(served.api, served.definition, caller, res, url, headers);
        return true;
      });
      if (!detach) cloud.logger.warn('  appsync: the endpoint cannot stream: subscriptions are off');
      const endpoint = new RealtimeEndpoint({
        authenticate: (target, headers, sourceIp) =>
          authenticate(target.auth, headers, apiKey, { ...verify, ...(sourceIp ? { sourceIp } : {}) }),
        onMessage: () => cloud.usage?.add('appsync.realtimeMessages'),
        ...(options.realtimeKeepAliveMs ? { keepAliveMs: options.realtimeKeepAliveMs } : {}),
      });
      realtime = endpoint;
      detachUpgrades = attachUpgrades(cloud.router, (req, socket, head, url) => {
        const match = url.pathname.match(REALTIME);
        const served = match ? find(match[1]) : undefined;
        if (!served) return false;
        endpoint.upgrade(
          { api: served.api, auth: served.definition, hub: served.hub },
          req,
          socket,
          head,
          url,
        );
        return true;
      });
      cloud.logger.info(
        `  appsync: ${[...apis.values()].map((s) => `${s.definition.name}${s.definition.merged ? ' (merged)' : ''}`).join(', ')}` +
          (primary ? `; /graphql serves ${primary.definition.name}` : ''),
      );
    },
    stop() {
      detach?.();
      detachUpgrades?.();
      realtime?.close();
      for (const served of apis.values()) served.hub.closeAll();
    },
    health: () => ({
      graphql: primary?.definition.name ?? null,
      apis: [...apis.values()].map((served) => ({
        name: served.definition.name,
        apiId: served.definition.apiId,
        merged: served.definition.merged,
        subscribers: served.hub.size,
        unsupportedResolvers: served.unsupported,
      })),
    }),
  };
  return plugin;
}

function serve(
  definition: GraphQLApiDefinition,
  all: readonly GraphQLApiDefinition[],
  cloud: LocalCloud,
): ServedApi {
  const plans = new Map<string, ResolverPlan>();
  let document: DocumentNode;
  let fields: ReturnType<typeof mergeSchemas>['fields'] | undefined;
  if (definition.merged) {
    const sources = definition.sourceApiIds.map((id) => {
      const source = all.find((candidate) => candidate.apiId === id);
      if (!source)
        throw new Error(`AppSync merged API "${definition.name}": no source API ${id} in the assembly`);
      return { source, sdl: schemaOf(source) };
    });
    try {
      const merged = mergeSchemas(
        sources.map(({ source, sdl }) => ({
          name: source.name,
          definition: sdl,
          resolvers: source.resolvers,
        })),
      );
      document = merged.document;
      fields = merged.fields;
    } catch (error) {
      if (!(error instanceof SchemaMergeError)) throw error;
      throw new SchemaMergeError(
        error.code,
        `AppSync merged API "${definition.name}": ${error.message}`,
        error.typeName,
        error.fieldName,
      );
    }
    for (const [key, field] of fields) {
      const owner = field.resolvedBy;
      if (!owner) continue;
      const source = sources.find(({ source: s }) => s.name === owner.source)?.source;
      const resolver = source?.resolvers.find(
        (r) => r.typeName === owner.typeName && r.fieldName === owner.fieldName,
      );
      if (source && resolver) plans.set(key, planResolver(source, resolver));
    }
  } else {
    const own = parse(schemaOf(definition)).definitions.filter((d: DefinitionNode) => !isBuiltIn(d));
    document = { kind: Kind.DOCUMENT, definitions: own };
    for (const resolver of definition.resolvers) {
      plans.set(`${resolver.typeName}.${resolver.fieldName}`, planResolver(definition, resolver));
    }
  }
  let api: ExecutableApi;
  try {
    api = new ExecutableApi({
      name: definition.name,
      document,
      ...(fields ? { fields } : {}),
      plans,
      auth: definition,
      lambda: cloud.lambda,
      limits: definition.limits,
    });
  } catch (error) {
    throw new SchemaMergeError(
      'APPSYNC_SCHEMA_INVALID',
      `AppSync API "${definition.name}": the schema is invalid: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const hub = new SubscriptionHub();
  hub.attach(api);
  const unsupported = [...plans.values()].flatMap((plan) =>
    plan.kind === 'unsupported' ? [plan.reason] : [],
  );
  return { definition, api, sdl: print(document), hub, unsupported };
}

function schemaOf(definition: GraphQLApiDefinition): string {
  if (definition.definition !== undefined) return definition.definition;
  if (definition.definitionS3Location)
    throw new Error(
      `AppSync API "${definition.name}": the schema is in S3 (${definition.definitionS3Location}); the local cloud reads inline Definition only`,
    );
  throw new Error(`AppSync API "${definition.name}" has no AWS::AppSync::GraphQLSchema`);
}

function registerRoutes(
  router: Router,
  find: (apiId: string | undefined) => ServedApi | undefined,
  apiKey: string,
  verify: { verifyJwt?: JwtVerifier },
  onOperation: () => void = () => {},
) {
  const notFound = (): HttpResponse =>
    json(404, { errors: [{ errorType: 'NotFoundException', message: 'no such GraphQL API' }] });
  router.addRoute('POST', GRAPHQL, async (request, match) => {
    const served = find(match[1]);
    if (!served) return notFound();
    const caller = authenticate(served.definition, request.headers, apiKey, verify);
    if (!caller) return json(401, UNAUTHORIZED_BODY, { 'x-amzn-errortype': 'UnauthorizedException' });
    let body: unknown;
    try {
      body = JSON.parse(request.body.toString('utf8'));
    } catch {
      return json(400, failure('MalformedHttpRequestException', 'the request body is not JSON'));
    }
    if (typeof body !== 'object' || body === null) {
      return json(400, failure('MalformedHttpRequestException', 'the request body is not a GraphQL request'));
    }
    onOperation();
    return json(200, await served.api.run(body, caller, flatHeaders(request)));
  });
  router.addRoute('GET', GRAPHQL, async (request, match) => {
    const served = find(match[1]);
    if (!served) return notFound();
    if (!(header(request, 'accept') ?? '').includes('text/html')) {
      return json(
        400,
        failure('MalformedHttpRequestException', 'POST a GraphQL request; GET serves the editor page'),
      );
    }
    const endpoint = request.url.pathname.replace(/\/$/, '');
    return {
      status: 200,
      headers: { 'content-type': 'text/html; charset=utf-8' },
      body: graphiqlPage(endpoint, served.definition.name, apiKey),
    };
  });
  router.addRoute('GET', SCHEMA, async (_request, match) => {
    const served = find(match[1]);
    if (!served) return notFound();
    return { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: served.sdl };
  });
  // Reached only when the event-stream listener could not attach (it answers first otherwise).
  router.addRoute('GET', SUBSCRIPTIONS, async () =>
    json(501, failure('UnsupportedOperation', 'this endpoint cannot stream subscriptions')),
  );
}

function flatHeaders(request: HttpRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(',') : value;
  }
  return out;
}
