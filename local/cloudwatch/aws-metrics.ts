/**
 * The metrics AWS services publish by themselves, for the local services that are plugins (EventBridge and
 * Step Functions), put into the local metric store as those services' namespaces name them:
 * - `AWS/Events` (per `RuleName`, and without dimensions for the account): `MatchedEvents`, `Invocations` (one
 *   per delivery that ended, as AWS counts it: retries are not invocations until they end), `FailedInvocations`,
 *   `InvocationsSentToDlq`, `InvocationsFailedToBeSentToDlq`; and the account's `PutEventsApproximateSuccessCount`
 *   (events accepted on a bus);
 * - `AWS/States` (per `StateMachineArn`): `ExecutionsStarted`, `ExecutionsSucceeded`, `ExecutionsFailed`,
 *   `ExecutionsTimedOut`, `ExecutionsAborted`, `ExecutionTime` (ms), at each execution's end.
 * A plugin of its own, started after the services it listens to.
 */
import type { LocalCloudPlugin } from '../core/plugin.js';
import type { AcceptedEvent, DeliveryRecord } from '../eventbridge/index.js';
import type { ExecutionDescription } from '../stepfunctions/api-shapes.js';
import { type Dimension, single } from './metrics.js';
import type { CloudWatchService } from './service.js';

export interface AwsMetricSources {
  readonly cloudWatch: () => CloudWatchService | undefined;
  readonly eventBridge?: () =>
    | {
        onEvent(listener: (event: AcceptedEvent) => void): unknown;
        onDelivery(listener: (record: DeliveryRecord) => void): unknown;
      }
    | undefined;
  readonly stepFunctions?: () =>
    | { onExecutionEnd(listener: (execution: ExecutionDescription) => void): unknown }
    | undefined;
}

const ENDED: Partial<Record<DeliveryRecord['status'], readonly string[]>> = {
  delivered: [],
  'dead-lettered': ['FailedInvocations', 'InvocationsSentToDlq'],
  'dead-letter-failed': ['FailedInvocations', 'InvocationsFailedToBeSentToDlq'],
  dropped: ['FailedInvocations'],
};

const EXECUTION_METRIC: Record<string, string> = {
  SUCCEEDED: 'ExecutionsSucceeded',
  FAILED: 'ExecutionsFailed',
  TIMED_OUT: 'ExecutionsTimedOut',
  ABORTED: 'ExecutionsAborted',
};

export function awsMetricsPlugin(sources: AwsMetricSources): LocalCloudPlugin {
  return {
    name: 'aws-metrics',
    resourceTypes: [],
    start() {
      const cloudWatch = sources.cloudWatch();
      if (!cloudWatch) return;
      const count = (namespace: string, name: string, dimensions: readonly Dimension[], at: number, n = 1) =>
        cloudWatch.putDatapoint(namespace, name, dimensions, single(at, n));
      const bridge = sources.eventBridge?.();
      bridge?.onEvent(({ matchedRules }) => {
        const at = Date.now();
        count('AWS/Events', 'PutEventsApproximateSuccessCount', [], at);
        for (const rule of matchedRules)
          count('AWS/Events', 'MatchedEvents', [{ Name: 'RuleName', Value: rule }], at);
        if (matchedRules.length > 0) count('AWS/Events', 'MatchedEvents', [], at, matchedRules.length);
      });
      bridge?.onDelivery((record) => {
        const failures = ENDED[record.status];
        if (!failures) return;
        const at = Date.parse(record.at) || Date.now();
        for (const dimensions of [[{ Name: 'RuleName', Value: record.ruleName }], []]) {
          count('AWS/Events', 'Invocations', dimensions, at);
          for (const name of failures) count('AWS/Events', name, dimensions, at);
        }
      });
      sources.stepFunctions?.()?.onExecutionEnd((execution) => {
        const dimensions = [{ Name: 'StateMachineArn', Value: execution.stateMachineArn }];
        const started = execution.startDate.getTime();
        const stopped = execution.stopDate?.getTime() ?? Date.now();
        count('AWS/States', 'ExecutionsStarted', dimensions, started);
        const metric = EXECUTION_METRIC[execution.status];
        if (metric) count('AWS/States', metric, dimensions, stopped);
        count('AWS/States', 'ExecutionTime', dimensions, stopped, stopped - started);
      });
    },
  };
}
