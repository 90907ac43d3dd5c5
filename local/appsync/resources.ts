/**
 * The AppSync part of the cloud model: every `AWS::AppSync::GraphQLApi` with its schema, auth modes, data
 * sources, resolvers and functions, and for a merged API (`ApiType: MERGED`) the source APIs its
 * `AWS::AppSync::SourceApiAssociation`s name (by API id or ARN).
 */
import type { CloudModel, LocalResource } from '../assembly/model.js';
import { type ExecutionLimits, readLimits } from './limits.js';

export type AuthenticationType =
  | 'API_KEY'
  | 'AWS_IAM'
  | 'AMAZON_COGNITO_USER_POOLS'
  | 'OPENID_CONNECT'
  | 'AWS_LAMBDA';

export interface AuthMode {
  readonly type: AuthenticationType;
  /** Cognito: the user pool id; OIDC: the issuer. */
  readonly userPoolId?: string;
  readonly issuer?: string;
  readonly appIdClientRegex?: string;
}

export interface DataSourceDefinition {
  readonly name: string;
  /** `AWS_LAMBDA`, `NONE`, `AMAZON_DYNAMODB`, ... */
  readonly type: string;
  readonly lambdaFunctionArn?: string;
}

export interface FunctionDefinition {
  readonly id: string;
  readonly name: string;
  readonly dataSourceName: string;
  readonly runtime?: string;
  readonly code?: string;
  readonly requestMappingTemplate?: string;
  readonly responseMappingTemplate?: string;
  readonly maxBatchSize?: number;
  /** Code or a mapping template given as an S3 location (an asset), which the local cloud does not read. */
  readonly inS3?: boolean;
}

export interface ResolverDefinition {
  /** `stack/logicalId`, for messages. */
  readonly where: string;
  readonly typeName: string;
  readonly fieldName: string;
  readonly kind: 'UNIT' | 'PIPELINE';
  readonly dataSourceName?: string;
  /** Pipeline: the function ids, in order. */
  readonly functions: readonly string[];
  /** `APPSYNC_JS` when the resolver has JavaScript code. */
  readonly runtime?: string;
  readonly code?: string;
  readonly requestMappingTemplate?: string;
  readonly responseMappingTemplate?: string;
  readonly maxBatchSize?: number;
  readonly inS3?: boolean;
}

export interface GraphQLApiDefinition {
  readonly stackName: string;
  readonly logicalId: string;
  readonly apiId: string;
  readonly arn: string;
  readonly name: string;
  readonly merged: boolean;
  readonly defaultAuth: AuthMode;
  readonly additionalAuth: readonly AuthMode[];
  /** The SDL (`AWS::AppSync::GraphQLSchema` `Definition`); merged APIs have none of their own. */
  readonly definition?: string;
  /** Set when the schema is an S3 location the local cloud cannot read. */
  readonly definitionS3Location?: string;
  readonly dataSources: ReadonlyMap<string, DataSourceDefinition>;
  readonly functions: ReadonlyMap<string, FunctionDefinition>;
  readonly resolvers: readonly ResolverDefinition[];
  /** Merged API: the source APIs' ids, in association order. */
  readonly sourceApiIds: readonly string[];
  /** QueryDepthLimit, ResolverCountLimit, IntrospectionConfig: enforced on requests to this API. */
  readonly limits?: ExecutionLimits;
}

export function readGraphQLApis(model: CloudModel): GraphQLApiDefinition[] {
  const apis = model.resources('AWS::AppSync::GraphQLApi').map((resource) => {
    const props = model.properties(resource);
    const identity = model.identity(resource);
    return { resource, props, apiId: String(identity.attributes.ApiId ?? identity.name), arn: identity.arn };
  });
  const owner = (apiIdOrArn: unknown) =>
    apis.find((api) => api.apiId === apiIdOrArn || api.arn === apiIdOrArn);
  const byApi = <T>(type: string, read: (props: Record<string, unknown>, resource: LocalResource) => T) => {
    const out = new Map<string, T[]>();
    for (const resource of model.resources(type)) {
      const props = model.properties(resource);
      const api = owner(props.ApiId ?? props.MergedApiIdentifier);
      if (!api) continue;
      out.set(api.apiId, [...(out.get(api.apiId) ?? []), read(props, resource)]);
    }
    return out;
  };

  const schemas = byApi('AWS::AppSync::GraphQLSchema', (props) => ({
    definition: typeof props.Definition === 'string' ? props.Definition : undefined,
    s3: typeof props.DefinitionS3Location === 'string' ? props.DefinitionS3Location : undefined,
  }));
  const dataSources = byApi('AWS::AppSync::DataSource', (props): DataSourceDefinition => {
    const lambdaArn = (props.LambdaConfig as { LambdaFunctionArn?: unknown } | undefined)?.LambdaFunctionArn;
    return {
      name: String(props.Name),
      type: String(props.Type),
      ...(typeof lambdaArn === 'string' ? { lambdaFunctionArn: lambdaArn } : {}),
    };
  });
  const functions = byApi('AWS::AppSync::FunctionConfiguration', (props, resource): FunctionDefinition => {
    const id = String(model.identity(resource).attributes.FunctionId ?? model.identity(resource).name);
    return {
      id,
      name: String(props.Name ?? resource.logicalId),
      dataSourceName: String(props.DataSourceName),
      ...code(props),
    };
  });
  const resolvers = byApi('AWS::AppSync::Resolver', (props, resource): ResolverDefinition => {
    const pipeline = (props.PipelineConfig as { Functions?: unknown[] } | undefined)?.Functions ?? [];
    return {
      where: `${resource.stackName}/${resource.logicalId}`,
      typeName: String(props.TypeName),
      fieldName: String(props.FieldName),
      kind: props.Kind === 'PIPELINE' ? 'PIPELINE' : 'UNIT',
      ...(typeof props.DataSourceName === 'string' ? { dataSourceName: props.DataSourceName } : {}),
      functions: pipeline.map(String),
      ...code(props),
    };
  });
  const associations = byApi(
    'AWS::AppSync::SourceApiAssociation',
    (props) => owner(props.SourceApiIdentifier)?.apiId,
  );

  return apis.map(({ resource, props, apiId, arn }) => {
    const schema = schemas.get(apiId)?.[0];
    const additional = Array.isArray(props.AdditionalAuthenticationProviders)
      ? (props.AdditionalAuthenticationProviders as Record<string, unknown>[])
      : [];
    return {
      stackName: resource.stackName,
      logicalId: resource.logicalId,
      apiId,
      arn,
      name: String(props.Name ?? resource.logicalId),
      merged: props.ApiType === 'MERGED',
      defaultAuth: authMode(props),
      additionalAuth: additional.map(authMode),
      ...(schema?.definition !== undefined ? { definition: schema.definition } : {}),
      ...(schema?.s3 !== undefined ? { definitionS3Location: schema.s3 } : {}),
      dataSources: new Map((dataSources.get(apiId) ?? []).map((ds) => [ds.name, ds])),
      functions: new Map((functions.get(apiId) ?? []).map((fn) => [fn.id, fn])),
      resolvers: resolvers.get(apiId) ?? [],
      sourceApiIds: (associations.get(apiId) ?? []).filter((id): id is string => id !== undefined),
      limits: readLimits(props),
    };
  });
}

function authMode(props: Record<string, unknown>): AuthMode {
  const userPool = props.UserPoolConfig as { UserPoolId?: unknown; AppIdClientRegex?: unknown } | undefined;
  const oidc = props.OpenIDConnectConfig as { Issuer?: unknown } | undefined;
  return {
    type: String(props.AuthenticationType) as AuthenticationType,
    ...(typeof userPool?.UserPoolId === 'string' ? { userPoolId: userPool.UserPoolId } : {}),
    ...(typeof userPool?.AppIdClientRegex === 'string'
      ? { appIdClientRegex: userPool.AppIdClientRegex }
      : {}),
    ...(typeof oidc?.Issuer === 'string' ? { issuer: oidc.Issuer } : {}),
  };
}

function code(props: Record<string, unknown>) {
  const runtime = (props.Runtime as { Name?: unknown } | undefined)?.Name;
  return {
    ...(typeof runtime === 'string' ? { runtime } : {}),
    ...(typeof props.Code === 'string' ? { code: props.Code } : {}),
    ...(props.CodeS3Location !== undefined ||
    props.RequestMappingTemplateS3Location !== undefined ||
    props.ResponseMappingTemplateS3Location !== undefined
      ? { inS3: true }
      : {}),
    ...(typeof props.RequestMappingTemplate === 'string'
      ? { requestMappingTemplate: props.RequestMappingTemplate }
      : {}),
    ...(typeof props.ResponseMappingTemplate === 'string'
      ? { responseMappingTemplate: props.ResponseMappingTemplate }
      : {}),
    ...(typeof props.MaxBatchSize === 'number' ? { maxBatchSize: props.MaxBatchSize } : {}),
  };
}
