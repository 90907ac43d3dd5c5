/**
 * Joins CloudWatch to the local cloud: the templates' alarms, evaluated on a timer against metrics the local
 * cloud knows (each SQS queue's `ApproximateNumberOfMessagesVisible` and `ApproximateAgeOfOldestMessage`,
 * sampled from the queues; Lambda's `Invocations`, `Errors` and `Duration` from its invocation records;
 * the EMF lines functions print; whatever `PutMetricData` or another plugin puts with `service.putDatapoint`),
 * one log line per state change,
 * SNS alarm actions recorded as notifications (the local cloud runs no SNS) and Lambda alarm actions invoked.
 *
 * Cost: one timer, no work per request. A tick samples the queues and evaluates the alarms; it runs every few
 * seconds (half the local period, at most 5 s) and backs off, doubling up to the period (at most 30 s), while
 * nothing changes.
 */
import type { LocalCloud } from '../core/local-cloud.js';
import type { LocalCloudPlugin } from '../core/plugin.js';
import type { InvocationRecord, LambdaService } from '../lambda/lambda-service.js';
import type { SqsQueues } from '../sqs/queues.js';
import { alarmsFromModel } from './alarms.js';
import { parseEmfLine } from './emf.js';
import { single } from './metrics.js';
import { registerCloudWatchQueryProtocol } from './query-protocol.js';
import { type AlarmTransition, CloudWatchService } from './service.js';

export const CLOUDWATCH_TYPES = ['AWS::CloudWatch::Alarm'];
/** Evaluates every alarm with this period (seconds) instead of the template's, e.g. 1 in tests. */
export const PERIOD_SECONDS_ENV = 'LOCAL_CLOUDWATCH_PERIOD_SECONDS';

export interface CloudWatchPluginOptions {
  /** The local period of every alarm, in seconds. @default process.env.LOCAL_CLOUDWATCH_PERIOD_SECONDS, else the alarm's own */
  readonly periodSeconds?: number;
}

/** An alarm action's notification to an SNS topic, as the local cloud keeps it (it runs no SNS). */
export interface AlarmNotification {
  readonly topicArn: string;
  readonly subject: string;
  /** The JSON message CloudWatch publishes. */
  readonly message: string;
  /** Epoch ms. */
  readonly at: number;
}

export interface CloudWatchPlugin extends LocalCloudPlugin {
  readonly service: CloudWatchService | undefined;
  /** SNS notifications the alarms' actions sent, oldest first. */
  readonly notifications: readonly AlarmNotification[];
  /** Samples and evaluates now (tests; the console). */
  tick(): void;
}

const MAX_NOTIFICATIONS = 1_000;

export function cloudWatchPlugin(options: CloudWatchPluginOptions = {}): CloudWatchPlugin {
  let service: CloudWatchService | undefined;
  let timer: NodeJS.Timeout | undefined;
  const notifications: AlarmNotification[] = [];
  let tick = () => {};
  return {
    name: 'cloudwatch',
    resourceTypes: CLOUDWATCH_TYPES,
    get service() {
      return service;
    },
    notifications,
    tick: () => tick(),
    start(cloud: LocalCloud) {
      const periodSeconds = options.periodSeconds ?? periodFromEnv();
      const definitions = alarmsFromModel(cloud.model);
      // Between OK and INSUFFICIENT_DATA (every alarm's first evaluation after start, an idle metric) the
      // moves are counted and printed as one line per evaluation: a fresh cloud has ~200 alarms, and a line
      // each buried what matters. A move into or out of ALARM is printed on its own, with its reason.
      const quiet = new Map<string, number>();
      const act = (transition: AlarmTransition) => {
        if (transition.oldState !== 'ALARM' && transition.newState !== 'ALARM') {
          const move = `${transition.oldState} -> ${transition.newState}`;
          quiet.set(move, (quiet.get(move) ?? 0) + 1);
        } else {
          cloud.logger.info(
            `  cloudwatch: alarm ${transition.alarm.definition.alarmName} ${transition.oldState} -> ${transition.newState}: ${transition.reason}`,
          );
        }
        runActions(cloud, service!, transition, notifications);
      };
      const reportQuiet = () => {
        if (quiet.size === 0) return;
        const moves = [...quiet].map(([move, n]) => `${n} ${move}`).join(', ');
        quiet.clear();
        cloud.logger.info(`  cloudwatch: alarms ${moves}`);
      };
      service = new CloudWatchService(definitions, {
        ...(periodSeconds !== undefined ? { periodSeconds } : {}),
        onTransition: act,
      });
      cloud.registerService(service);
      registerCloudWatchQueryProtocol(cloud.router, service);

      const running = service;
      const unsupported = definitions.filter((d) => d.unsupported).length;
      const shortestMs = Math.min(60_000, ...definitions.map((d) => running.periodMs(d)));
      const baseMs = Math.max(200, Math.min(5_000, shortestMs / 2));
      const idleMaxMs = Math.max(baseMs, Math.min(30_000, shortestMs));
      let delay = baseMs;
      let last = '';
      const lambdaMetrics = lambdaReader(cloud.lambda, running);
      // EMF lines become metrics as Lambda's log ingestion makes them (two string checks per ordinary line).
      cloud.lambda.onOutput(({ line, at }) => {
        for (const datum of parseEmfLine(line, at))
          running.putDatapoint(
            datum.namespace,
            datum.metricName,
            datum.dimensions,
            datum.values.length > 1 ? { ...datum.point, values: datum.values } : datum.point,
          );
      });
      tick = () => {
        const now = Date.now();
        const fingerprint = sampleQueues(cloud.sqs, running, now) + lambdaMetrics();
        const changes = running.evaluate(now);
        reportQuiet();
        const idle = fingerprint === last && changes === 0;
        last = fingerprint;
        delay = idle ? Math.min(idleMaxMs, delay * 2) : baseMs;
      };
      const schedule = () => {
        timer = setTimeout(() => {
          try {
            tick();
          } catch (error) {
            cloud.logger.warn(`  cloudwatch: evaluation failed: ${String(error)}`);
          }
          schedule();
        }, delay);
        timer.unref();
      };
      tick();
      schedule();
      cloud.logger.info(
        `  cloudwatch: ${definitions.length} alarm(s)${unsupported ? `, ${unsupported} not evaluated locally (metric math)` : ''}; ` +
          `period ${periodSeconds !== undefined ? `${periodSeconds} s (${PERIOD_SECONDS_ENV})` : "the alarms' own"}`,
      );
    },
    stop() {
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
    health() {
      const alarms = [...(service?.alarms.values() ?? [])];
      const count = (state: string) => alarms.filter((alarm) => alarm.status.state === state).length;
      return {
        alarms: alarms.length,
        ALARM: count('ALARM'),
        OK: count('OK'),
        INSUFFICIENT_DATA: count('INSUFFICIENT_DATA'),
        notifications: notifications.length,
      };
    },
  };
}

function periodFromEnv(): number | undefined {
  const raw = process.env[PERIOD_SECONDS_ENV];
  if (raw === undefined || raw === '') return undefined;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds <= 0)
    throw new Error(`${PERIOD_SECONDS_ENV} must be a positive number of seconds, not ${raw}`);
  return seconds;
}

/** SQS's queue metrics, sampled; returns what changed since the last sample, as a fingerprint. */
function sampleQueues(sqs: SqsQueues, service: CloudWatchService, now: number): string {
  const parts: string[] = [];
  for (const queue of sqs.list()) {
    const dimensions = [{ Name: 'QueueName', Value: queue.name }];
    const { visible, inFlight, delayed } = queue.counts(now);
    let oldest = Number.POSITIVE_INFINITY;
    for (const message of queue.messages) if (message.sentAt < oldest) oldest = message.sentAt;
    const age = Number.isFinite(oldest) ? Math.floor((now - oldest) / 1000) : 0;
    const metric = (metricName: string) => ({ namespace: 'AWS/SQS', metricName, dimensions });
    service.metrics.sample(metric('ApproximateNumberOfMessagesVisible'), now, visible);
    service.metrics.sample(metric('ApproximateNumberOfMessagesNotVisible'), now, inFlight);
    service.metrics.sample(metric('ApproximateNumberOfMessagesDelayed'), now, delayed);
    service.metrics.sample(metric('ApproximateAgeOfOldestMessage'), now, age);
    parts.push(`${visible}/${inFlight}/${delayed}/${oldest}`);
  }
  return parts.join(',');
}

/**
 * Lambda's `Invocations`, `Errors` and `Duration` per `FunctionName` (and per `FunctionName` and `Resource`, the
 * alias or version invoked), from the invocation records the local Lambda
 * keeps (its last 1,000: under a heavier load between two ticks some are not counted).
 */
function lambdaReader(lambda: LambdaService, service: CloudWatchService): () => string {
  let lastSeen: InvocationRecord | undefined;
  return () => {
    const records = lambda.invocations();
    const from = lastSeen ? records.lastIndexOf(lastSeen) + 1 : 0;
    for (const record of records.slice(from)) {
      const byFunction = [{ Name: 'FunctionName', Value: record.functionName }];
      // Lambda also publishes per alias or version invoked (`Resource`): a deployment's alarms watch the alias.
      const byResource = record.qualifier
        ? [[...byFunction, { Name: 'Resource', Value: `${record.functionName}:${record.qualifier}` }]]
        : [];
      const at = record.startedAt * 1000;
      for (const dimensions of [byFunction, ...byResource]) {
        service.putDatapoint('AWS/Lambda', 'Invocations', dimensions, single(at, 1));
        service.putDatapoint('AWS/Lambda', 'Errors', dimensions, single(at, record.error ? 1 : 0));
        service.putDatapoint('AWS/Lambda', 'Duration', dimensions, single(at, record.durationMs));
      }
    }
    lastSeen = records.at(-1) ?? lastSeen;
    return `/${records.length - from}`;
  };
}

/** What CloudWatch does on a state change: the actions of the new state, when actions are enabled. */
function runActions(
  cloud: LocalCloud,
  service: CloudWatchService,
  transition: AlarmTransition,
  notifications: AlarmNotification[],
): void {
  const { alarm, newState, oldState, reason, at } = transition;
  const d = alarm.definition;
  if (!alarm.status.actionsEnabled) return;
  const actions =
    newState === 'ALARM' ? d.alarmActions : newState === 'OK' ? d.okActions : d.insufficientDataActions;
  for (const arn of actions) {
    const data = { actionState: 'Succeeded', notificationResource: arn, stateUpdateTimestamp: at };
    if (arn.startsWith('arn:aws:sns:')) {
      const message = JSON.stringify({
        AlarmName: d.alarmName,
        AlarmDescription: d.alarmDescription ?? null,
        AWSAccountId: cloud.accountId,
        NewStateValue: newState,
        NewStateReason: reason,
        StateChangeTime: new Date(at).toISOString(),
        Region: cloud.region,
        AlarmArn: d.alarmArn,
        OldStateValue: oldState,
        Trigger: {
          MetricName: d.metricName,
          Namespace: d.namespace,
          Statistic: d.statistic?.toUpperCase(),
          Dimensions: d.dimensions.map((x) => ({ name: x.Name, value: x.Value })),
          Period: d.period,
          EvaluationPeriods: d.evaluationPeriods,
          ComparisonOperator: d.comparisonOperator,
          Threshold: d.threshold,
          TreatMissingData: d.treatMissingData,
        },
      });
      const subject = `${newState}: "${d.alarmName}" in ${cloud.region}`.slice(0, 100);
      notifications.push({ topicArn: arn, subject, message, at });
      if (notifications.length > MAX_NOTIFICATIONS) notifications.shift();
      service.record(d.alarmName, at, 'Action', `Published a notification to ${arn}`, data);
    } else if (arn.startsWith('arn:aws:lambda:')) {
      const event = {
        source: 'aws.cloudwatch',
        alarmArn: d.alarmArn,
        accountId: cloud.accountId,
        time: new Date(at).toISOString(),
        region: cloud.region,
        alarmData: {
          alarmName: d.alarmName,
          state: { value: newState, reason, timestamp: new Date(at).toISOString() },
          previousState: { value: oldState },
        },
      };
      cloud.lambda.invoke(arn, event, { invocationType: 'Event' }).then(
        () => service.record(d.alarmName, at, 'Action', `Successfully executed action ${arn}`, data),
        (error: unknown) =>
          service.record(d.alarmName, at, 'Action', `Failed to execute action ${arn}`, {
            ...data,
            actionState: 'Failed',
            error: String(error),
          }),
      );
    } else {
      service.record(d.alarmName, at, 'Action', `Failed to execute action ${arn}`, {
        ...data,
        actionState: 'Failed',
        error: 'this action type is not run locally',
      });
    }
  }
}
