/**
 * What CloudFormation would name a resource and what its `Ref` and `Fn::GetAtt` return, per resource type.
 * Generated names follow CloudFormation's `<stack>-<logicalId>-<SUFFIX>` shape, with a suffix derived from the
 * stack and logical id so that a restart (and `--persist`) sees the same names.
 */
import { createHash } from 'node:crypto';

export interface NamingInput {
  readonly stackName: string;
  readonly logicalId: string;
  readonly type: string;
  readonly accountId: string;
  readonly region: string;
  /** The local endpoint, e.g. `http://127.0.0.1:4566` (queue URLs, GraphQL URLs). */
  readonly endpoint: string;
  /** One resolved property: only the properties naming needs are resolved, not those that need a running resource. */
  property(key: string): unknown;
  /** Resolves a function name or ARN property to the function's ARN (for versions and aliases). */
  functionArn(nameOrArn: string): string;
  /** The version number of an `AWS::Lambda::Version` (1, 2, ... per function). */
  versionNumber(): number;
}

export interface PhysicalIdentity {
  readonly name: string;
  readonly ref: string;
  readonly arn: string;
  readonly attributes: Readonly<Record<string, unknown>>;
}

export function suffix(stackName: string, logicalId: string, length = 12): string {
  const digest = createHash('sha256').update(`${stackName}/${logicalId}`).digest();
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  return Array.from(digest.subarray(0, length), (byte) => alphabet[byte % alphabet.length]).join('');
}

/** CloudFormation's generated name: stack and logical id shortened so the whole fits in `max`. */
export function generatedName(stackName: string, logicalId: string, max: number): string {
  const tail = suffix(stackName, logicalId);
  const room = max - tail.length - 2;
  const stackPart = stackName.slice(0, Math.max(1, Math.floor(room / 2)));
  const logicalPart = logicalId.slice(0, room - stackPart.length);
  return `${stackPart}-${logicalPart}-${tail}`;
}

export function physicalIdentity(input: NamingInput): PhysicalIdentity {
  const { stackName, logicalId, type, accountId, region } = input;
  const arn = (service: string, resource: string) => `arn:aws:${service}:${region}:${accountId}:${resource}`;
  const prop = (key: string) => {
    const value = input.property(key);
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const named = (key: string, max: number) => prop(key) ?? generatedName(stackName, logicalId, max);
  const id = (name: string, ref: string, resourceArn: string, attributes: Record<string, unknown> = {}) => ({
    name,
    ref,
    arn: resourceArn,
    attributes: { Arn: resourceArn, ...attributes },
  });

  switch (type) {
    case 'AWS::DynamoDB::Table':
    case 'AWS::DynamoDB::GlobalTable': {
      const name = named('TableName', 255);
      return id(name, name, arn('dynamodb', `table/${name}`), { TableId: suffix(stackName, logicalId, 32) });
    }
    case 'AWS::Lambda::Function': {
      const name = named('FunctionName', 64);
      return id(name, name, arn('lambda', `function:${name}`), { SnapStartResponse: {} });
    }
    case 'AWS::Lambda::Version': {
      const functionArn = input.functionArn(String(input.property('FunctionName')));
      const version = String(input.versionNumber());
      return id(version, `${functionArn}:${version}`, `${functionArn}:${version}`, { Version: version });
    }
    case 'AWS::Lambda::Alias': {
      const functionArn = input.functionArn(String(input.property('FunctionName')));
      const name = String(input.property('Name'));
      return id(name, `${functionArn}:${name}`, `${functionArn}:${name}`, {
        AliasArn: `${functionArn}:${name}`,
      });
    }
    case 'AWS::Lambda::Url': {
      // Served by the endpoint at /lambda-url/<id>/ (local/lambda/function-urls.ts); in AWS the id is the
      // host's first label (https://<id>.lambda-url.<region>.on.aws/). Ref is the target function's ARN.
      const urlId = suffix(stackName, logicalId, 32).toLowerCase();
      const target = String(input.property('TargetFunctionArn'));
      const functionArn = input.functionArn(target);
      return id(urlId, functionArn, functionArn, {
        FunctionArn: functionArn,
        FunctionUrl: `${input.endpoint}/lambda-url/${urlId}/`,
      });
    }
    case 'AWS::SQS::Queue': {
      const fifo = input.property('FifoQueue') === true || input.property('FifoQueue') === 'true';
      const name =
        prop('QueueName') ?? generatedName(stackName, logicalId, fifo ? 75 : 80) + (fifo ? '.fifo' : '');
      const url = `${input.endpoint}/${accountId}/${name}`;
      return id(name, url, arn('sqs', name), { QueueName: name, QueueUrl: url });
    }
    case 'AWS::IAM::Role': {
      const name = named('RoleName', 64);
      return id(name, name, `arn:aws:iam::${accountId}:role/${name}`, {
        RoleId: `AROA${suffix(stackName, logicalId, 17)}`,
      });
    }
    case 'AWS::IAM::ManagedPolicy': {
      const policyArn = `arn:aws:iam::${accountId}:policy/${named('ManagedPolicyName', 128)}`;
      return id(policyArn, policyArn, policyArn, { PolicyArn: policyArn });
    }
    case 'AWS::Events::EventBus': {
      const name = named('Name', 256);
      return id(name, name, arn('events', `event-bus/${name}`), { Name: name });
    }
    case 'AWS::Events::Rule': {
      const name = named('Name', 64);
      const bus = prop('EventBusName');
      const busName = bus?.startsWith('arn:') ? bus.split('/').pop() : bus;
      const onCustomBus = busName !== undefined && busName !== 'default';
      return id(
        name,
        onCustomBus ? `${busName}|${name}` : name,
        arn('events', `rule/${onCustomBus ? `${busName}/` : ''}${name}`),
      );
    }
    case 'AWS::Events::Archive': {
      const name = named('ArchiveName', 48);
      return id(name, name, arn('events', `archive/${name}`), { ArchiveName: name });
    }
    case 'AWS::StepFunctions::StateMachine': {
      const name = prop('StateMachineName') ?? `${logicalId.slice(0, 66)}-${suffix(stackName, logicalId)}`;
      const machineArn = arn('states', `stateMachine:${name}`);
      return id(name, machineArn, machineArn, { Name: name, StateMachineRevisionId: machineArn });
    }
    case 'AWS::StepFunctions::StateMachineVersion': {
      // One version per state machine in an assembly (a deploy publishes the next one; locally there is none).
      const versionArn = `${String(input.property('StateMachineArn'))}:1`;
      return id(versionArn, versionArn, versionArn);
    }
    case 'AWS::StepFunctions::StateMachineAlias': {
      // The alias ARN is the state machine's ARN and the alias name; the machine is the version's, less `:n`.
      const target = input.property('DeploymentPreference') ?? input.property('RoutingConfiguration');
      const versionArn = String((Array.isArray(target) ? target[0] : target)?.StateMachineVersionArn ?? '');
      const aliasArn = `${versionArn.replace(/:\d+$/, '')}:${String(input.property('Name'))}`;
      return id(aliasArn, aliasArn, aliasArn);
    }
    case 'AWS::SSM::Parameter': {
      const name = prop('Name') ?? `CFN-${logicalId}-${suffix(stackName, logicalId)}`;
      return id(name, name, arn('ssm', `parameter/${name.replace(/^\//, '')}`), {
        Type: input.property('Type'),
        Value: input.property('Value'),
      });
    }
    case 'AWS::Logs::LogGroup': {
      const name = named('LogGroupName', 512);
      return id(name, name, arn('logs', `log-group:${name}:*`));
    }
    case 'AWS::SNS::Topic': {
      const name = named('TopicName', 256);
      return id(name, arn('sns', name), arn('sns', name), { TopicArn: arn('sns', name), TopicName: name });
    }
    case 'AWS::S3::Bucket': {
      const name = prop('BucketName') ?? generatedName(stackName, logicalId, 63).toLowerCase();
      return id(name, name, `arn:aws:s3:::${name}`, {
        DomainName: `${name}.s3.amazonaws.com`,
        RegionalDomainName: `${name}.s3.${region}.amazonaws.com`,
        WebsiteURL: `http://${name}.s3-website-${region}.amazonaws.com`,
      });
    }
    case 'AWS::AppSync::GraphQLApi': {
      const apiId = suffix(stackName, logicalId, 26).toLowerCase();
      const apiArn = arn('appsync', `apis/${apiId}`);
      return id(apiId, apiArn, apiArn, {
        ApiId: apiId,
        GraphQLUrl: `${input.endpoint}/graphql`,
        GraphQLDns: new URL(input.endpoint).host,
        // What the local AppSync serves its real-time WebSocket protocol on (AWS: wss://...-realtime-api.../graphql).
        RealtimeUrl: `${input.endpoint.replace(/^http/, 'ws')}/graphql/realtime`,
        GraphQLEndpointArn: apiArn,
      });
    }
    case 'AWS::Cognito::UserPool': {
      const poolId = `${region}_${suffix(stackName, logicalId, 9)}`;
      return id(poolId, poolId, arn('cognito-idp', `userpool/${poolId}`), {
        UserPoolId: poolId,
        // The local pool's issuer (the `iss` of its tokens, where its JWKS is served): the local cognito plugin.
        ProviderName: `${new URL(input.endpoint).host}/${poolId}`,
        ProviderURL: `${input.endpoint}/${poolId}`,
      });
    }
    case 'AWS::Cognito::UserPoolClient': {
      const clientId = suffix(stackName, logicalId, 26).toLowerCase();
      return id(clientId, clientId, clientId, { ClientId: clientId, Name: prop('ClientName') ?? clientId });
    }
    case 'AWS::Pipes::Pipe': {
      const name = named('Name', 64);
      return id(name, name, arn('pipes', `pipe/${name}`));
    }
    case 'AWS::EventSchemas::Registry': {
      const name = named('RegistryName', 64);
      const registryArn = arn('schemas', `registry/${name}`);
      return id(name, registryArn, registryArn, { RegistryArn: registryArn, RegistryName: name });
    }
    case 'AWS::EventSchemas::Schema': {
      const name = named('SchemaName', 385);
      const schemaArn = arn('schemas', `schema/${prop('RegistryName') ?? 'local'}/${name}`);
      return id(name, schemaArn, schemaArn, { SchemaArn: schemaArn, SchemaName: name, SchemaVersion: '1' });
    }
    case 'AWS::FIS::ExperimentTemplate': {
      // Ref is the template's id, as FIS gives it (`EXT` and 14 characters); local/fis serves it by this id.
      const templateId = `EXT${suffix(stackName, logicalId, 14)}`;
      return id(templateId, templateId, arn('fis', `experiment-template/${templateId}`));
    }
    case 'AWS::CloudWatch::Alarm': {
      const name = named('AlarmName', 255);
      return id(name, name, arn('cloudwatch', `alarm:${name}`));
    }
    default: {
      // Types the local cloud does not run still answer Ref and Arn, so the templates that mention them resolve.
      const [, service = 'local', kind = 'resource'] = type.split('::');
      const name = generatedName(stackName, logicalId, 64);
      return id(name, name, arn(service.toLowerCase(), `${kind.toLowerCase()}/${name}`));
    }
  }
}
