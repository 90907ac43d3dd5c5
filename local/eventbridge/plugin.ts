import type { LocalCloud } from '../core/local-cloud.js';
import type { LocalCloudPlugin } from '../core/plugin.js';
import { LOCAL_AUTHORIZATION } from '../dynamodb/dynamodb-local.js';
import { fromTemplateResources, type ResolvedResource } from './config.js';
import { DeliveryError, type RetryTiming, type TargetDispatcher } from './delivery.js';
import { EventBridgeService } from './service.js';

export const EVENTBRIDGE_TYPES = [
  'AWS::Events::EventBus',
  'AWS::Events::EventBusPolicy',
  'AWS::Events::Rule',
  'AWS::Events::Archive',
];

export interface EventBridgePluginOptions {
  /** Retry timing of target deliveries; `timeScale` < 1 plays retry policies out faster. */
  readonly retry?: RetryTiming;
  /** In-process StartExecution (e.g. the Step Functions plugin's); default: `AWSStepFunctions.StartExecution` on the endpoint. */
  readonly startExecution?: (stateMachineArn: string, input: string, traceHeader?: string) => Promise<void>;
}

export interface EventBridgePlugin extends LocalCloudPlugin {
  /** The running service once `start` ran (its `bridge` is the in-process API for the console and tests). */
  readonly service: EventBridgeService | undefined;
}

/** Joins EventBridge to the local cloud: the templates' buses, rules and archives; targets on Lambda, SQS, Step Functions. */
export function eventBridgePlugin(options: EventBridgePluginOptions = {}): EventBridgePlugin {
  let service: EventBridgeService | undefined;
  return {
    name: 'eventbridge',
    resourceTypes: EVENTBRIDGE_TYPES,
    get service() {
      return service;
    },
    start(cloud: LocalCloud) {
      const resources: ResolvedResource[] = EVENTBRIDGE_TYPES.flatMap((type) =>
        cloud.model.resources(type).map((resource) => ({
          logicalId: resource.logicalId,
          type: resource.type,
          properties: cloud.model.properties(resource),
          physicalId: cloud.model.identity(resource).name,
        })),
      );
      service = new EventBridgeService(fromTemplateResources(resources), {
        dispatcher: cloudDispatcher(cloud, options),
        region: cloud.region,
        accountId: cloud.accountId,
        // PutEvents over the endpoint is authorized: the caller's identity policies and the bus policy.
        identities: cloud.iam,
        ...(options.retry ? { retry: options.retry } : {}),
        // LOCAL_SCHEDULE_TIME_SCALE=60: scheduled rules run a minute per second (tests, demos).
        schedules: { timeScale: Number(process.env.LOCAL_SCHEDULE_TIME_SCALE ?? 1) || 1 },
      });
      cloud.registerService(service);
      service.bridge.onEvent(() => cloud.usage?.add('events.published'));
      const { registry } = service.bridge;
      const rules = [...registry.rules.values()].reduce((n, rules) => n + rules.size, 0);
      cloud.logger.info(
        `  eventbridge: ${registry.buses.size} bus(es), ${rules} rule(s), ${registry.archives.size} archive(s)`,
      );
    },
    stop() {
      service?.bridge.close();
    },
    health() {
      const bridge = service?.bridge;
      return {
        buses: bridge ? [...bridge.registry.buses.keys()] : [],
        events: bridge?.events.length ?? 0,
        deliveries: bridge?.deliveries.length ?? 0,
      };
    },
  };
}

/** Delivers to the cloud's Lambda (async invoke), SQS (SendMessage) and Step Functions (StartExecution). */
export function cloudDispatcher(cloud: LocalCloud, options: EventBridgePluginOptions = {}): TargetDispatcher {
  const startExecution =
    options.startExecution ?? ((arn, input) => startExecutionOverEndpoint(cloud, arn, input));
  return {
    async deliver(target, input, meta) {
      cloud.usage?.add('events.deliveredToTargets');
      switch (target.kind) {
        case 'lambda':
          return void (await noResourceIfMissing(() =>
            cloud.lambda.invoke(target.arn, parseOrText(input), {
              invocationType: 'Event',
              ...(meta.traceHeader ? { traceHeader: meta.traceHeader } : {}),
            }),
          ));
        case 'sqs':
          return void (await noResourceIfMissing(async () =>
            cloud.sqs.send(target.arn, {
              body: input,
              ...(target.sqsParameters?.MessageGroupId
                ? { groupId: target.sqsParameters.MessageGroupId }
                : {}),
            }),
          ));
        case 'states':
          return startExecution(target.arn, input, meta.traceHeader);
        default:
          throw new DeliveryError('NO_RESOURCE', `The local cloud cannot deliver to ${target.arn}.`, false);
      }
    },
    async sendToDeadLetterQueue(queueArn, body, attributes) {
      cloud.sqs.send(queueArn, { body, messageAttributes: attributes });
    },
  };
}

/**
 * A target that does not exist cannot be fixed by retrying: AWS sends those events to the DLQ at once. The local
 * services say so by their error's code (`ResourceNotFoundException`, `QueueDoesNotExist`), as AWS does.
 */
async function noResourceIfMissing<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const { code, name } = error as { code?: unknown; name?: unknown };
    if (/NotFound|DoesNotExist/.test(`${String(code ?? '')} ${String(name ?? '')}`)) {
      throw new DeliveryError('NO_RESOURCE', (error as Error).message, false, { cause: error });
    }
    throw error;
  }
}

function parseOrText(input: string): unknown {
  try {
    return JSON.parse(input);
  } catch {
    return input;
  }
}

async function startExecutionOverEndpoint(
  cloud: LocalCloud,
  stateMachineArn: string,
  input: string,
): Promise<void> {
  const response = await fetch(cloud.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': 'AWSStepFunctions.StartExecution',
      authorization: LOCAL_AUTHORIZATION.replace('/dynamodb/', '/states/').replace('us-east-1', cloud.region),
    },
    body: JSON.stringify({ stateMachineArn, input }),
  });
  if (!response.ok) {
    const result = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    const code =
      String(result.__type ?? 'InternalException')
        .split('#')
        .pop() ?? 'InternalException';
    const missing = code === 'StateMachineDoesNotExist';
    throw new DeliveryError(missing ? 'NO_RESOURCE' : code, String(result.message ?? code), !missing);
  }
}
