import { AwsError } from '../core/aws-service.js';
import type { LocalCloud } from '../core/local-cloud.js';
import type { LocalCloudPlugin } from '../core/plugin.js';
import { LOCAL_AUTHORIZATION } from '../dynamodb/dynamodb-local.js';
import { writtenTables } from '../dynamodb/table-writes.js';
import { dynamoDbCaller } from '../dynamodb/tables.js';
import { signedWithKey } from '../iam/identities.js';
import { type LocalStateMachine, StepFunctionsService } from './service.js';
import type { PutEventsResult, StepFunctionsIntegrations, TaskCaller } from './tasks.js';

/**
 * Joins Step Functions to the local cloud: the template's state machines, Lambda tasks on the cloud's Lambda,
 * DynamoDB tasks on DynamoDB Local, SQS tasks on the local queues, PutEvents through the endpoint (whichever
 * EventBridge is registered there) unless `putEvents` is given.
 */
export interface StepFunctionsPluginOptions {
  /** In-process PutEvents (e.g. the local EventBridge's); default: `AWSEvents.PutEvents` on the endpoint. */
  readonly putEvents?: StepFunctionsIntegrations['putEvents'];
  /** Multiplies Retry intervals, Wait `Seconds` and timeouts. @default 1 */
  readonly timeScale?: number;
}

export interface StepFunctionsPlugin extends LocalCloudPlugin {
  /** The running service once `start` ran (the console and EventBridge targets use its in-process API). */
  readonly service: StepFunctionsService | undefined;
}

export const STATE_MACHINE_TYPE = 'AWS::StepFunctions::StateMachine';
const QUALIFIER_TYPES = ['AWS::StepFunctions::StateMachineVersion', 'AWS::StepFunctions::StateMachineAlias'];

export function stepFunctionsPlugin(options: StepFunctionsPluginOptions = {}): StepFunctionsPlugin {
  let service: StepFunctionsService | undefined;
  return {
    name: 'stepfunctions',
    resourceTypes: [STATE_MACHINE_TYPE, ...QUALIFIER_TYPES],
    get service() {
      return service;
    },
    start(cloud: LocalCloud) {
      const dynamodb = dynamoDbCaller(cloud.dynamodb.endpoint, LOCAL_AUTHORIZATION);
      service = new StepFunctionsService({
        lambda: cloud.lambda,
        region: cloud.region,
        ...(options.timeScale !== undefined && { timeScale: options.timeScale }),
        stateMachines: stateMachinesOf(cloud),
        qualifiedArns: qualifiedArnsOf(cloud),
        integrations: {
          putEvents: options.putEvents ?? ((params, caller) => putEventsOverEndpoint(cloud, params, caller)),
          dynamodb: async (operation, params) => {
            try {
              const result = await dynamodb(operation, params);
              // Straight to DynamoDB Local, so the endpoint did not see it: announce it for the stream readers.
              cloud.dynamodb.writes.emit(writtenTables(operation, params));
              return result;
            } catch (error) {
              // The caller words its errors "<Operation>: <code>: <message>"; Step Functions' cause has the message.
              const code = (error as { awsCode?: string }).awsCode ?? 'InternalServerError';
              const message = (error as Error).message.replace(`${operation}: ${code}: `, '');
              throw new AwsError(code, message);
            }
          },
          sqsSendMessage: async (params) => {
            const message = cloud.sqs.send(params.QueueUrl, {
              body: params.MessageBody,
              ...(params.DelaySeconds !== undefined && { delaySeconds: params.DelaySeconds }),
              ...(params.MessageAttributes && { messageAttributes: params.MessageAttributes as never }),
              ...(params.MessageGroupId && { groupId: params.MessageGroupId }),
              ...(params.MessageDeduplicationId && { deduplicationId: params.MessageDeduplicationId }),
            });
            return {
              MessageId: message.messageId,
              MD5OfMessageBody: message.md5OfBody,
              ...(message.md5OfMessageAttributes && {
                MD5OfMessageAttributes: message.md5OfMessageAttributes,
              }),
            };
          },
        },
      });
      cloud.registerService(service);
      // Standard workflows bill a transition per state entered.
      service.onExecutionEnd((execution) => {
        cloud.usage?.add('states.executions');
        const history = service?.history(execution.executionArn) ?? [];
        cloud.usage?.add(
          'states.transitions',
          history.filter((event) => event.type.endsWith('StateEntered')).length + 1,
        );
      });
      cloud.logger.info(`  stepfunctions: ${service.stateMachines.length} state machine(s)`);
    },
    health() {
      return {
        stateMachines: service?.stateMachines.map((m) => m.name) ?? [],
        executions: service?.listExecutions().length ?? 0,
      };
    },
  };
}

/** Each state machine version's and alias's ARN → its state machine's ARN (the ARN less the qualifier). */
export function qualifiedArnsOf(cloud: Pick<LocalCloud, 'model'>): Map<string, string> {
  const arns = new Map<string, string>();
  for (const type of QUALIFIER_TYPES) {
    for (const resource of cloud.model.resources(type)) {
      const arn = cloud.model.identity(resource).arn;
      arns.set(arn, arn.split(':').slice(0, 7).join(':'));
    }
  }
  return arns;
}

/** `AWS::StepFunctions::StateMachine` resources with their properties resolved by the model. */
export function stateMachinesOf(cloud: Pick<LocalCloud, 'model'>): LocalStateMachine[] {
  return cloud.model.resources(STATE_MACHINE_TYPE).map((resource) => {
    const props = cloud.model.properties(resource);
    const identity = cloud.model.identity(resource);
    const definition = props.DefinitionString ?? props.Definition;
    if (definition === undefined) {
      throw new AwsError(
        'InvalidDefinition',
        `${resource.stackName}/${resource.logicalId}: only DefinitionString or Definition is supported locally (not DefinitionS3Location)`,
      );
    }
    return {
      arn: identity.arn,
      name: identity.name,
      definition: definition as string | object,
      type: props.StateMachineType === 'EXPRESS' ? 'EXPRESS' : 'STANDARD',
      ...(typeof props.RoleArn === 'string' && { roleArn: props.RoleArn }),
      ...(props.DefinitionSubstitutions !== undefined && {
        definitionSubstitutions: props.DefinitionSubstitutions as Record<string, unknown>,
      }),
    };
  });
}

async function putEventsOverEndpoint(
  cloud: LocalCloud,
  params: unknown,
  caller: TaskCaller,
): Promise<PutEventsResult> {
  // Signed with the state machine role's key: the endpoint authorizes the call as that role.
  let authorization = LOCAL_AUTHORIZATION.replace('/dynamodb/', '/events/').replace(
    'us-east-1',
    cloud.region,
  );
  if (caller.roleArn !== undefined) {
    authorization = signedWithKey(authorization, cloud.iam.accessKeyIdOf(caller.roleArn));
  }
  const response = await fetch(cloud.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'AWSEvents.PutEvents',
      authorization,
    },
    body: JSON.stringify(params),
  });
  const result = (await response.json()) as Record<string, unknown>;
  if (!response.ok) {
    const code =
      String(result.__type ?? 'InternalException')
        .split('#')
        .pop() ?? 'InternalException';
    throw new AwsError(code, String(result.message ?? result.Message ?? ''), response.status);
  }
  return result as unknown as PutEventsResult;
}
