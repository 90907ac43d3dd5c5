/**
 * Joins CloudWatch Logs to the local cloud: the templates' log groups (`AWS::Logs::LogGroup`) and saved
 * queries (`AWS::Logs::QueryDefinition`), and every line a function prints filed as a log event in its log
 * group (the template's `LoggingConfig.LogGroup`, else `/aws/lambda/<name>`, created on its first line as
 * Lambda does), in a stream per execution environment named as Lambda names them. The Lambda service already
 * prints a `REPORT` line per invocation; it is filed too.
 *
 * Cost per line: one map lookup and an array push (no parsing); memory is bounded per group (store.ts).
 */
import { createHash } from 'node:crypto';
import type { LocalCloud } from '../core/local-cloud.js';
import type { LocalCloudPlugin } from '../core/plugin.js';
import { LogsService, type QueryDefinition } from './service.js';
import { LogStore } from './store.js';

export const LOGS_TYPES = ['AWS::Logs::LogGroup', 'AWS::Logs::QueryDefinition'];

export interface LogsPluginOptions {
  /** Events kept per log group. @default LOCAL_LOGS_MAX_EVENTS_PER_GROUP, else 2,000 */
  readonly maxEventsPerGroup?: number;
}

export interface LogsPlugin extends LocalCloudPlugin {
  readonly service: LogsService | undefined;
  /** The log group each function writes to, by function name. */
  readonly functionLogGroups: ReadonlyMap<string, string>;
}

export function logsPlugin(options: LogsPluginOptions = {}): LogsPlugin {
  let service: LogsService | undefined;
  const functionLogGroups = new Map<string, string>();
  return {
    name: 'logs',
    resourceTypes: LOGS_TYPES,
    get service() {
      return service;
    },
    functionLogGroups,
    start(cloud: LocalCloud) {
      const { model } = cloud;
      const store = new LogStore(
        (name) => `arn:aws:logs:${cloud.region}:${cloud.accountId}:log-group:${name}`,
        options.maxEventsPerGroup,
      );
      for (const resource of model.resources('AWS::Logs::LogGroup')) {
        const retention = Number(model.properties(resource).RetentionInDays);
        store.group(model.identity(resource).name, Number.isInteger(retention) ? retention : undefined);
      }
      for (const fn of cloud.lambda.functions) {
        const logging = model.properties(model.resource(fn.stackName, fn.logicalId)).LoggingConfig as
          | { LogGroup?: unknown }
          | undefined;
        const group = typeof logging?.LogGroup === 'string' ? logging.LogGroup : `/aws/lambda/${fn.name}`;
        functionLogGroups.set(fn.name, group);
      }
      const definitions: QueryDefinition[] = model.resources('AWS::Logs::QueryDefinition').map((resource) => {
        const properties = model.properties(resource);
        return {
          queryDefinitionId: uuidOf(`${resource.stackName}/${resource.logicalId}`),
          name: String(properties.Name),
          queryString: String(properties.QueryString),
          logGroupNames: Array.isArray(properties.LogGroupNames) ? properties.LogGroupNames.map(String) : [],
          lastModified: Date.now(),
        };
      });
      service = new LogsService(store, definitions, cloud.accountId);
      cloud.registerService(service);
      cloud.lambda.onOutput(({ functionName, logStreamName, line, at }) => {
        const group = functionLogGroups.get(functionName) ?? `/aws/lambda/${functionName}`;
        store.append(group, logStreamName, line, at, at);
      });
      cloud.logger.info(
        `  logs: ${store.groups.size} log group(s) from the templates, ${definitions.length} query definition(s); ` +
          `${store.maxEventsPerGroup} events kept per group`,
      );
    },
    health() {
      const groups = [...(service?.store.groups.values() ?? [])];
      return {
        logGroups: groups.length,
        events: groups.reduce((n, g) => n + g.events.length, 0),
        queryDefinitions: service?.definitions.length ?? 0,
      };
    },
  };
}

/** A stable id per template resource, shaped as the UUIDs Logs gives query definitions. */
function uuidOf(text: string): string {
  const hex = createHash('sha256').update(text).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
