/**
 * How each resolver runs locally. A direct Lambda resolver (UNIT, no code, no mapping templates, an
 * `AWS_LAMBDA` data source) invokes its function with AppSync's direct-invocation event. The VTL pair CDK
 * writes for `MappingTemplate.lambdaRequest()` / `lambdaResult()` (payload `$util.toJson($ctx)`, result
 * `$util.toJson($ctx.result)`) is the same call and runs too. Everything else (pipelines, APPSYNC_JS, other
 * VTL, other data sources) is reported at start by name and answers the field with an error.
 */
import type { FieldOrigin } from './merge.js';
import type { GraphQLApiDefinition, ResolverDefinition } from './resources.js';

export type ResolverPlan =
  | {
      readonly kind: 'lambda';
      readonly origin: FieldOrigin;
      readonly functionArn: string;
      readonly maxBatchSize?: number;
    }
  | { readonly kind: 'unsupported'; readonly origin: FieldOrigin; readonly reason: string };

const LAMBDA_REQUEST =
  /^\s*\{\s*"version"\s*:\s*"20\d\d-\d\d-\d\d"\s*,\s*"operation"\s*:\s*"Invoke"\s*,\s*"payload"\s*:\s*\$utils?\.toJson\(\$(ctx|context)\)\s*\}\s*$/;
const LAMBDA_RESULT = /^\s*\$utils?\.toJson\(\$(ctx|context)\.result\)\s*$/;

export function planResolver(api: GraphQLApiDefinition, resolver: ResolverDefinition): ResolverPlan {
  const origin = { source: api.name, typeName: resolver.typeName, fieldName: resolver.fieldName };
  const unsupported = (why: string): ResolverPlan => ({
    kind: 'unsupported',
    origin,
    reason: `${resolver.typeName}.${resolver.fieldName} of source API "${api.name}" (${resolver.where}): ${why}`,
  });
  if (resolver.kind === 'PIPELINE') return unsupported('pipeline resolvers are not supported locally');
  if (resolver.runtime === 'APPSYNC_JS' || resolver.code !== undefined)
    return unsupported('APPSYNC_JS resolvers are not supported locally (use a direct Lambda resolver)');
  if (resolver.inS3) return unsupported('code or mapping templates in S3 are not supported locally');
  const templated =
    resolver.requestMappingTemplate !== undefined || resolver.responseMappingTemplate !== undefined;
  if (
    templated &&
    !(
      LAMBDA_REQUEST.test(resolver.requestMappingTemplate ?? '') &&
      LAMBDA_RESULT.test(resolver.responseMappingTemplate ?? '$util.toJson($ctx.result)')
    )
  ) {
    return unsupported('VTL mapping templates are not supported locally (use a direct Lambda resolver)');
  }
  const dataSource = resolver.dataSourceName ? api.dataSources.get(resolver.dataSourceName) : undefined;
  if (!dataSource) return unsupported(`no data source named ${resolver.dataSourceName ?? '(none)'}`);
  if (dataSource.type !== 'AWS_LAMBDA' || !dataSource.lambdaFunctionArn) {
    return unsupported(`data source ${dataSource.name} of type ${dataSource.type} is not supported locally`);
  }
  return {
    kind: 'lambda',
    origin,
    functionArn: dataSource.lambdaFunctionArn,
    ...(resolver.maxBatchSize ? { maxBatchSize: resolver.maxBatchSize } : {}),
  };
}
