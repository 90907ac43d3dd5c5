/**
 * Joins Lambda event source mappings to the local cloud: `AWS::Lambda::EventSourceMapping` resources on a
 * DynamoDB stream of a local table (read from DynamoDB Local) or on a local SQS queue.
 */
import type { LocalCloud } from '../core/local-cloud.js';
import type { LocalCloudPlugin } from '../core/plugin.js';
import {
  type EventSourceMappingProperties,
  eventSourceKind,
  streamMappingConfig,
} from './event-source-mapping.js';
import { StreamHub } from './hub.js';
import type { StreamReader } from './shard-reader.js';
import { SqsEventSource } from './sqs-source.js';
import { StreamConsumer } from './stream-consumer.js';

export const EVENT_SOURCE_MAPPING_TYPE = 'AWS::Lambda::EventSourceMapping';

export interface StreamsPluginOptions {
  /** Sleep between polls of a stream that has records coming. @default 50 */
  readonly pollIntervalMs?: number;
  /** The longest sleep between polls of a quiet stream (writes through the endpoint wake it). @default 2000 */
  readonly idlePollIntervalMs?: number;
  /** Share stream readers with other plugins (pipes); one is made when absent. */
  readonly hub?: StreamHub;
  /** Wait before retry n of a failed batch. @default 100 ms doubling up to 5 s */
  readonly retryDelayMs?: (retry: number) => number;
}

export interface MappingStatus {
  readonly name: string;
  readonly functionName: string;
  readonly eventSourceArn: string;
  readonly state: 'Enabled' | 'Disabled' | 'NotRunLocally';
  readonly stats?: unknown;
}

export interface StreamsPlugin extends LocalCloudPlugin {
  readonly mappings: readonly MappingStatus[];
}

export function streamsPlugin(options: StreamsPluginOptions = {}): StreamsPlugin {
  const hub =
    options.hub ??
    new StreamHub({
      ...(options.pollIntervalMs !== undefined && { pollIntervalMs: options.pollIntervalMs }),
      ...(options.idlePollIntervalMs !== undefined && { idlePollIntervalMs: options.idlePollIntervalMs }),
    });
  const running: Array<{
    status: Omit<MappingStatus, 'stats'>;
    stats?: () => unknown;
    stop: () => Promise<void>;
  }> = [];
  const skipped: MappingStatus[] = [];
  return {
    name: 'streams',
    resourceTypes: [EVENT_SOURCE_MAPPING_TYPE],
    get mappings() {
      return [
        ...running.map(({ status, stats }) => ({ ...status, ...(stats ? { stats: stats() } : {}) })),
        ...skipped,
      ];
    },
    async start(cloud: LocalCloud) {
      for (const resource of cloud.model.resources(EVENT_SOURCE_MAPPING_TYPE)) {
        const props = cloud.model.properties(resource) as unknown as EventSourceMappingProperties;
        const name = `${resource.stackName}/${resource.logicalId}`;
        const functionName = cloud.lambda.find(String(props.FunctionName)).fn.name;
        const eventSourceArn = String(props.EventSourceArn);
        const status = { name, functionName, eventSourceArn };
        const kind = eventSourceKind(props.EventSourceArn);
        if (props.Enabled === false) {
          skipped.push({ ...status, state: 'Disabled' });
          continue;
        }
        if (kind === 'unsupported') {
          cloud.logger.warn(`  streams: ${name}: event source ${eventSourceArn} is not run locally`);
          skipped.push({ ...status, state: 'NotRunLocally' });
          continue;
        }
        if ((props.ParallelizationFactor ?? 1) > 1 || props.TumblingWindowInSeconds) {
          cloud.logger.warn(
            `  streams: ${name}: ParallelizationFactor and TumblingWindowInSeconds are not run locally (one batch per shard at a time)`,
          );
        }
        if (kind === 'sqs') {
          const source = new SqsEventSource(cloud, props, name);
          source.start();
          running.push({
            status: { ...status, state: 'Enabled' },
            stats: () => source.stats(),
            stop: () => source.stop(),
          });
          continue;
        }
        const config = streamMappingConfig(props, cloud, `esm ${name}`);
        const reader: StreamReader = await hub.acquire(cloud, eventSourceArn);
        const consumer = new StreamConsumer(
          reader,
          { ...config, ...(options.retryDelayMs ? { retryDelayMs: options.retryDelayMs } : {}) },
          cloud.logger,
        );
        consumer.start();
        running.push({
          status: { ...status, state: 'Enabled' },
          stats: () => consumer.stats(),
          stop: async () => {
            await consumer.stop();
            await hub.release(reader);
          },
        });
      }
      cloud.logger.info(`  streams: ${running.length} event source mapping(s) running`);
    },
    async stop() {
      await Promise.all(running.splice(0).map((mapping) => mapping.stop()));
    },
    health() {
      return { mappings: this.mappings, streams: hub.streamArns, polling: hub.pollStats() };
    },
  };
}
