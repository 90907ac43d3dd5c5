/**
 * The AppSync control plane's reads, on the endpoint's REST paths as AppSync serves them: `ListGraphqlApis`
 * (`GET /v1/apis`, with `apiType`, `maxResults`, `nextToken`) and `GetGraphqlApi` (`GET /v1/apis/<apiId>`),
 * so the CLI and SDKs find each API's URLs (`aws appsync list-graphql-apis --endpoint-url ...`). The URLs are
 * the template attributes' values (`GraphQLUrl`, `RealtimeUrl`): what clients read from a deployment.
 */
import type { CloudModel } from '../assembly/model.js';
import type { HttpResponse, Router } from '../server/router.js';
import type { AuthMode, GraphQLApiDefinition } from './resources.js';

const LIST = /^\/v1\/apis\/?$/;
const GET = /^\/v1\/apis\/([^/]+)\/?$/;
const MAX_RESULTS = 25;

/** AppSync's REST error: the type in `x-amzn-errortype`, the message in the body. */
const error = (status: number, type: string, message: string): HttpResponse => ({
  status,
  headers: { 'content-type': 'application/json', 'x-amzn-errortype': type },
  body: JSON.stringify({ message }),
});

export function registerControlPlane(
  router: Router,
  model: CloudModel,
  definitions: () => readonly GraphQLApiDefinition[],
): void {
  const describe = (definition: GraphQLApiDefinition) => describeApi(model, definition);
  router.addRoute('GET', LIST, async (request) => {
    const apiType = request.url.searchParams.get('apiType');
    if (apiType !== null && apiType !== 'GRAPHQL' && apiType !== 'MERGED')
      return error(400, 'BadRequestException', 'apiType must be GRAPHQL or MERGED');
    const max = Number(request.url.searchParams.get('maxResults') ?? MAX_RESULTS);
    if (!Number.isInteger(max) || max < 0 || max > MAX_RESULTS)
      return error(400, 'BadRequestException', `maxResults must be an integer from 0 to ${MAX_RESULTS}`);
    const all = definitions().filter((d) => apiType === null || (apiType === 'MERGED') === d.merged);
    const token = request.url.searchParams.get('nextToken');
    const from = token === null ? 0 : Number(Buffer.from(token, 'base64url').toString('utf8'));
    if (!Number.isInteger(from) || from < 0 || from > all.length)
      return error(400, 'BadRequestException', 'The nextToken is invalid.');
    const page = all.slice(from, from + (max || MAX_RESULTS));
    const next = from + page.length;
    return json({
      graphqlApis: page.map(describe),
      ...(next < all.length ? { nextToken: Buffer.from(String(next)).toString('base64url') } : {}),
    });
  });
  router.addRoute('GET', GET, async (_request, match) => {
    const apiId = decodeURIComponent(match[1] ?? '');
    const definition = definitions().find((d) => d.apiId === apiId);
    if (!definition) return error(404, 'NotFoundException', `GraphQL API ${apiId} not found.`);
    return json({ graphqlApi: describe(definition) });
  });
}

function describeApi(model: CloudModel, d: GraphQLApiDefinition) {
  const identity = model.identity(model.resource(d.stackName, d.logicalId));
  const properties = model.properties(model.resource(d.stackName, d.logicalId));
  const graphqlUrl = String(identity.attributes.GraphQLUrl);
  const realtimeUrl = String(identity.attributes.RealtimeUrl);
  const tags = Array.isArray(properties.Tags)
    ? Object.fromEntries((properties.Tags as { Key: string; Value: string }[]).map((t) => [t.Key, t.Value]))
    : {};
  return {
    name: d.name,
    apiId: d.apiId,
    arn: d.arn,
    apiType: d.merged ? 'MERGED' : 'GRAPHQL',
    ...authOf(d.defaultAuth),
    additionalAuthenticationProviders: d.additionalAuth.map(authOf),
    uris: { GRAPHQL: graphqlUrl, REALTIME: realtimeUrl },
    dns: { GRAPHQL: new URL(graphqlUrl).host, REALTIME: new URL(realtimeUrl).host },
    xrayEnabled: properties.XrayEnabled === true,
    visibility: 'GLOBAL',
    owner: model.accountId,
    tags,
  };
}

function authOf(mode: AuthMode) {
  return {
    authenticationType: mode.type,
    ...(mode.type === 'AMAZON_COGNITO_USER_POOLS' && mode.userPoolId
      ? {
          userPoolConfig: {
            userPoolId: mode.userPoolId,
            awsRegion: mode.userPoolId.split('_')[0],
            defaultAction: 'ALLOW',
            ...(mode.appIdClientRegex ? { appIdClientRegex: mode.appIdClientRegex } : {}),
          },
        }
      : {}),
    ...(mode.type === 'OPENID_CONNECT' && mode.issuer
      ? { openIDConnectConfig: { issuer: mode.issuer } }
      : {}),
  };
}

const json = (body: unknown): HttpResponse => ({
  status: 200,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});
