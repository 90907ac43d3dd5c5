/** Which resolvers run locally: direct Lambda and CDK's Lambda VTL pair do; the rest are named at start. */
import { describe, expect, it } from 'vitest';
import { planResolver } from '../../../local/appsync/plan.js';
import type { GraphQLApiDefinition, ResolverDefinition } from '../../../local/appsync/resources.js';

const api: GraphQLApiDefinition = {
  stackName: 'S',
  logicalId: 'Api',
  apiId: 'api1',
  arn: 'arn:aws:appsync:us-east-1:000000000000:apis/api1',
  name: 'orders',
  merged: false,
  defaultAuth: { type: 'API_KEY' },
  additionalAuth: [],
  dataSources: new Map([
    [
      'Fn',
      {
        name: 'Fn',
        type: 'AWS_LAMBDA',
        lambdaFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:f',
      },
    ],
    ['Table', { name: 'Table', type: 'AMAZON_DYNAMODB' }],
  ]),
  functions: new Map(),
  resolvers: [],
  sourceApiIds: [],
};
const resolver = (extra: Partial<ResolverDefinition>): ResolverDefinition => ({
  where: 'S/R',
  typeName: 'Query',
  fieldName: 'order',
  kind: 'UNIT',
  dataSourceName: 'Fn',
  functions: [],
  ...extra,
});

describe('planResolver', () => {
  it('runs a direct Lambda resolver, with its batch size', () => {
    expect(planResolver(api, resolver({ maxBatchSize: 5 }))).toEqual({
      kind: 'lambda',
      origin: { source: 'orders', typeName: 'Query', fieldName: 'order' },
      functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:f',
      maxBatchSize: 5,
    });
  });

  it("runs CDK's MappingTemplate.lambdaRequest()/lambdaResult() pair as the same call", () => {
    const plan = planResolver(
      api,
      resolver({
        requestMappingTemplate:
          '{"version": "2017-02-28", "operation": "Invoke", "payload": $util.toJson($ctx)}',
        responseMappingTemplate: '$util.toJson($ctx.result)',
      }),
    );
    expect(plan.kind).toBe('lambda');
  });

  it('names what it cannot run: APPSYNC_JS, pipelines, other VTL, other data sources', () => {
    const reason = (extra: Partial<ResolverDefinition>) => {
      const plan = planResolver(api, resolver(extra));
      return plan.kind === 'unsupported' ? plan.reason : 'runs';
    };
    expect(reason({ runtime: 'APPSYNC_JS', code: 'export function request() {}' })).toBe(
      'Query.order of source API "orders" (S/R): APPSYNC_JS resolvers are not supported locally (use a direct Lambda resolver)',
    );
    expect(reason({ kind: 'PIPELINE', functions: ['f1'] })).toContain('pipeline resolvers are not supported');
    expect(reason({ requestMappingTemplate: '{"operation": "GetItem"}' })).toContain('VTL mapping templates');
    expect(reason({ dataSourceName: 'Table' })).toContain('data source Table of type AMAZON_DYNAMODB');
  });
});
