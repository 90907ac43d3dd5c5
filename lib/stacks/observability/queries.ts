import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

/**
 * The saved Logs Insights queries. Field names are what the functions really write: Powertools Logger's JSON
 * (`level`, `message`, `service`, `function_name`, `function_request_id`, `correlation_id`, `xray_trace_id`,
 * `error.name`/`error.message`) plus the keys the kernel's `withObservability` appends (`causation_id`,
 * `traceparent`, `event_type`, `event_source`), the command handler's `command` and the saga event builder's
 * `eventType`/`sagaId`. Slow invocations come from Lambda's own `REPORT` lines (`@duration`, text log format).
 */

/** StartQuery takes at most 50 log groups: past that, a saved query would not run. */
export const MAX_QUERY_LOG_GROUPS = 50;

/**
 * The saga's compensating commands (statemachines/order-fulfillment.ts, each step's `compensation`), as the
 * command handler logs them in `command`.
 */
export const COMPENSATION_COMMANDS = [
  'CancelOrder',
  'ReleaseStock',
  'RefundPayment',
  'CancelShipment',
] as const;

/** The placeholder the order-story query carries: replace it with the order's correlation id. */
export const CORRELATION_ID_PLACEHOLDER = 'REPLACE-WITH-CORRELATION-ID';

export type QueryName = 'order-story' | 'errors-by-type' | 'slowest-invocations' | 'compensations';

const quoted = (values: readonly string[]) => values.map((v) => `"${v}"`).join(', ');

/** Each query's text, by name: the same strings the query definitions save (and the local cloud runs). */
export const QUERIES: Record<QueryName, logs.QueryString> = {
  // One order's story across every service: its correlation id is the orderId's transaction.
  'order-story': new logs.QueryString({
    fields: [
      '@timestamp',
      'service',
      'function_name',
      'level',
      'message',
      'event_type',
      'command',
      'eventType',
      'causation_id',
      'xray_trace_id',
    ],
    filterStatements: [`correlation_id = "${CORRELATION_ID_PLACEHOLDER}"`],
    sort: '@timestamp asc',
    limit: 1000,
  }),
  'errors-by-type': new logs.QueryString({
    filterStatements: ['level = "ERROR"'],
    statsStatements: ['count(*) as errors by service, error.name, errorCode'],
    sort: 'errors desc',
    limit: 100,
  }),
  'slowest-invocations': new logs.QueryString({
    fields: ['@timestamp', '@log', '@requestId', '@duration', '@initDuration', '@maxMemoryUsed'],
    filterStatements: ['@type = "REPORT"'],
    sort: '@duration desc',
    limit: 50,
  }),
  compensations: new logs.QueryString({
    fields: ['@timestamp', 'correlation_id', 'service', 'command', 'eventType', 'sagaId', 'message'],
    filterStatements: [
      `command in [${quoted(COMPENSATION_COMMANDS)}] or eventType in ["SagaCompensated", "SagaFailed"]`,
    ],
    sort: '@timestamp desc',
    limit: 200,
  }),
};

export interface ObservabilityQueriesProps {
  /** `commerceforge-<stage>`: the prefix people filter saved queries by (the console shows it as a folder). */
  readonly prefix: string;
  /** Every function's log group: each query reads them all. */
  readonly logGroups: readonly logs.ILogGroup[];
}

/** The query definitions, named `<prefix>/<query>`, over every function's log group. */
export function observabilityQueries(
  scope: Construct,
  props: ObservabilityQueriesProps,
): Record<QueryName, logs.QueryDefinition> {
  if (props.logGroups.length === 0 || props.logGroups.length > MAX_QUERY_LOG_GROUPS) {
    throw new Error(
      `a saved query reads 1 to ${MAX_QUERY_LOG_GROUPS} log groups (StartQuery's limit); got ${props.logGroups.length}`,
    );
  }
  const definitions = {} as Record<QueryName, logs.QueryDefinition>;
  for (const [name, queryString] of Object.entries(QUERIES) as [QueryName, logs.QueryString][]) {
    definitions[name] = new logs.QueryDefinition(scope, `Query-${name}`, {
      queryDefinitionName: `${props.prefix}/${name}`,
      queryString,
      logGroups: [...props.logGroups],
    });
  }
  return definitions;
}
