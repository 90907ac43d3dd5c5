/**
 * Joins EventBridge Pipes to the local cloud: `AWS::Pipes::Pipe` resources whose source is a DynamoDB stream
 * of a local table, read through the same stream readers as the event source mappings.
 */
import type { LocalCloud } from '../core/local-cloud.js';
import type { LocalCloudPlugin } from '../core/plugin.js';
import { LOCAL_AUTHORIZATION } from '../dynamodb/dynamodb-local.js';
import { signedWithKey } from '../iam/identities.js';
import { StreamHub } from '../streams/hub.js';
import { StreamConsumer } from '../streams/stream-consumer.js';
import { checkPipe, isDynamoDbStream, type PipeProperties } from './config.js';
import { LocalPipe, type PipeIntegrations } from './pipe.js';

export const PIPE_TYPE = 'AWS::Pipes::Pipe';

export interface PipesPluginOptions {
  /** Share stream readers with the event source mappings; one is made when absent. */
  readonly hub?: StreamHub;
  /** @default 50 (only used when no hub is given) */
  readonly pollIntervalMs?: number;
  /** @default 2000 (only used when no hub is given) */
  readonly idlePollIntervalMs?: number;
  /** Wait before retry n of a failed batch. @default 100 ms doubling up to 5 s */
  readonly retryDelayMs?: (retry: number) => number;
  /** In-process EventBridge / Step Functions; by default the pipe calls them on the local endpoint. */
  readonly integrations?: Partial<PipeIntegrations>;
}

export interface PipesPlugin extends LocalCloudPlugin {
  readonly pipes: readonly LocalPipe[];
}

export function pipesPlugin(options: PipesPluginOptions = {}): PipesPlugin {
  const hub =
    options.hub ??
    new StreamHub({
      ...(options.pollIntervalMs !== undefined && { pollIntervalMs: options.pollIntervalMs }),
      ...(options.idlePollIntervalMs !== undefined && { idlePollIntervalMs: options.idlePollIntervalMs }),
    });
  const pipes: LocalPipe[] = [];
  const stops: Array<() => Promise<void>> = [];
  const stopped: string[] = [];
  return {
    name: 'pipes',
    resourceTypes: [PIPE_TYPE],
    get pipes() {
      return pipes;
    },
    async start(cloud: LocalCloud) {
      const integrations: PipeIntegrations = {
        putEvents:
          options.integrations?.putEvents ??
          ((entries, caller) =>
            overEndpoint(
              cloud,
              'events',
              'AWSEvents.PutEvents',
              { Entries: entries.map(withEpochTime) },
              caller.roleArn,
            )),
        startExecution:
          options.integrations?.startExecution ??
          (async (stateMachineArn, input) => {
            await overEndpoint(cloud, 'states', 'AWSStepFunctions.StartExecution', {
              stateMachineArn,
              input,
            });
          }),
        ...(options.integrations?.runExecution ? { runExecution: options.integrations.runExecution } : {}),
      };
      for (const resource of cloud.model.resources(PIPE_TYPE)) {
        const props = cloud.model.properties(resource) as unknown as PipeProperties;
        const identity = cloud.model.identity(resource);
        const name = identity.name;
        if (!isDynamoDbStream(String(props.Source))) {
          cloud.logger.warn(
            `  pipes: ${name}: source ${props.Source} is not run locally (DynamoDB streams are)`,
          );
          continue;
        }
        if (props.DesiredState === 'STOPPED') {
          stopped.push(name);
          continue;
        }
        checkPipe(name, props);
        const pipe = new LocalPipe(name, identity.arn, props, cloud, integrations);
        const reader = await hub.acquire(cloud, props.Source);
        const consumer = new StreamConsumer(
          reader,
          {
            ...pipe.consumerConfig(),
            ...(options.retryDelayMs ? { retryDelayMs: options.retryDelayMs } : {}),
          },
          cloud.logger,
        );
        consumer.start();
        pipes.push(pipe);
        stops.push(async () => {
          await consumer.stop();
          await hub.release(reader);
        });
      }
      cloud.logger.info(
        `  pipes: ${pipes.length} pipe(s) running${stopped.length ? `, ${stopped.length} stopped` : ''}`,
      );
    },
    async stop() {
      await Promise.all(stops.splice(0).map((stop) => stop()));
    },
    health() {
      return {
        pipes: pipes.map((pipe) => ({ name: pipe.name, target: pipe.props.Target, ...pipe.stats })),
        stopped,
      };
    },
  };
}

function withEpochTime(entry: Parameters<PipeIntegrations['putEvents']>[0][number]) {
  return { ...entry, ...(entry.Time ? { Time: entry.Time.getTime() / 1000 } : {}) };
}

/** A call on the endpoint, signed with `roleArn`'s key (the endpoint takes it as that role), else as root. */
async function overEndpoint(
  cloud: LocalCloud,
  signingName: string,
  target: string,
  body: unknown,
  roleArn?: string,
) {
  let authorization = LOCAL_AUTHORIZATION.replace('/dynamodb/', `/${signingName}/`).replace(
    'us-east-1',
    cloud.region,
  );
  if (roleArn !== undefined) {
    authorization = signedWithKey(authorization, cloud.iam.accessKeyIdOf(roleArn));
  }
  const response = await fetch(cloud.url, {
    method: 'POST',
    headers: {
      'content-type': signingName === 'events' ? 'application/x-amz-json-1.1' : 'application/x-amz-json-1.0',
      'x-amz-target': target,
      authorization,
    },
    body: JSON.stringify(body),
  });
  const result = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok) {
    throw new Error(
      `${target}: ${String(result.__type ?? response.status)}: ${String(result.message ?? result.Message ?? '')}`,
    );
  }
  return result as {
    FailedEntryCount?: number;
    Entries?: Array<{ EventId?: string; ErrorCode?: string; ErrorMessage?: string }>;
  };
}
