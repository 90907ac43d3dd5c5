import { readFileSync } from 'node:fs';
import { Validations } from 'aws-cdk-lib';
import * as appsync from 'aws-cdk-lib/aws-appsync';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export interface SourceApiProps {
  /** The API's name (`commerceforge-<stage>-<service>`). */
  readonly name: string;
  /** Path to the service's `schema.graphql`. */
  readonly schemaFile: string;
  /** The direct Lambda resolver (invoke it through its alias). */
  readonly resolver: lambda.IFunction;
  /** The fields the resolver runs, `Type.field`. */
  readonly fields: readonly string[];
  /** The API's authorization: the same modes as the Merged API, so the schema's auth directives are valid. */
  readonly authorizationConfig: appsync.AuthorizationConfig;
  /**
   * Whether the API has an API key mode. Without one, the schema's `@aws_api_key` directives are removed.
   * @default false
   */
  readonly apiKey?: boolean;
  /** @default logs.RetentionDays.ONE_WEEK */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Per-request limits and introspection, as AppSync takes them (`queryDepthLimit`, `resolverCountLimit`,
   * `introspectionConfig`): a source API has its own endpoint, so it needs the Merged API's limits too.
   * @default AppSync's: no depth limit, 10000 resolvers, introspection enabled
   */
  readonly limits?: Pick<
    appsync.GraphqlApiProps,
    'queryDepthLimit' | 'resolverCountLimit' | 'introspectionConfig'
  >;
}

/**
 * One service's AppSync source API: its SDL (inline, from the service's schema.graphql), one Lambda data
 * source and a direct Lambda resolver (no mapping templates) per field, field logs at ERROR.
 */
export class SourceApi extends Construct {
  public readonly api: appsync.GraphqlApi;
  public readonly dataSource: appsync.LambdaDataSource;
  public readonly resolvers: readonly appsync.Resolver[];

  constructor(scope: Construct, id: string, props: SourceApiProps) {
    super(scope, id);
    // Named after the construct: the Merged API names each association after its source API's id.
    this.api = new appsync.GraphqlApi(this, id, {
      name: props.name,
      definition: appsync.Definition.fromSchema(stageSchema(props.schemaFile, props.apiKey ?? false)),
      authorizationConfig: props.authorizationConfig,
      logConfig: {
        fieldLogLevel: appsync.FieldLogLevel.ERROR,
        ...(props.logRetention ? { retention: props.logRetention } : {}),
      },
      xrayEnabled: true,
      ...props.limits,
    });
    this.dataSource = this.api.addLambdaDataSource('Resolver', props.resolver);
    this.resolvers = props.fields.map((name) => {
      const [typeName, fieldName] = name.split('.');
      if (!typeName || !fieldName) throw new Error(`a field is Type.field: ${name}`);
      return this.dataSource.createResolver(
        `${typeName}${fieldName[0]?.toUpperCase()}${fieldName.slice(1)}`,
        {
          typeName,
          fieldName,
        },
      );
    });
    acknowledgeApiLogsRole(this.api);
  }
}

/** Without an API key mode the `@aws_api_key` directives go: no field may name a mode the API lacks. */
export function schemaForStage(sdl: string, apiKey: boolean): string {
  return apiKey ? sdl : sdl.replace(/\s*@aws_api_key\b/g, '');
}

/** The schema file as an inline `Definition` (what the local cloud reads), directives fitted to the modes. */
export function stageSchema(schemaFile: string, apiKey: boolean): appsync.SchemaFile {
  const schema = appsync.SchemaFile.fromAsset(schemaFile);
  schema.definition = schemaForStage(readFileSync(schemaFile, 'utf8'), apiKey);
  return schema;
}

export function acknowledgeApiLogsRole(api: appsync.GraphqlApi): void {
  Validations.of(api).acknowledge({
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSAppSyncPushToCloudWatchLogs]',
    reason: "AppSync's managed policy for writing the API's own field logs (ASC3), the documented minimum.",
  });
}
