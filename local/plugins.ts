/**
 * The plugins the local cloud runs by default, wired to each other in-process: EventBridge rules start Step
 * Functions executions directly, Step Functions' PutEvents tasks go straight to the local bus, and event
 * source mappings and pipes share one reader per DynamoDB stream (pipes put to the bus and start executions
 * in-process too).
 */
import { CIRCUIT_BREAKER_TABLE_ENV } from '../functions/kernel/resilience/settings.js';
import { appsyncPlugin } from './appsync/plugin.js';
import { awsMetricsPlugin, type CloudWatchPlugin, cloudWatchPlugin } from './cloudwatch/index.js';
import { type CognitoPlugin, cognitoPlugin } from './cognito/index.js';
import { consolePlugin } from './console/plugin.js';
import type { LocalCloudPlugin } from './core/plugin.js';
import type { RetryTiming } from './eventbridge/delivery.js';
import { type EventBridgePlugin, eventBridgePlugin } from './eventbridge/plugin.js';
import { type FisPlugin, fisPlugin } from './fis/index.js';
import { functionUrlsPlugin } from './lambda/function-urls.js';
import { type LogsPlugin, logsPlugin } from './logs/index.js';
import { type PipesPlugin, pipesPlugin } from './pipes/plugin.js';
import { tlsListenerPlugin } from './server/tls.js';
import { type SsmPlugin, ssmPlugin } from './ssm/index.js';
import { type StepFunctionsPlugin, stepFunctionsPlugin } from './stepfunctions/plugin.js';
import { StreamHub } from './streams/hub.js';
import { type StreamsPlugin, streamsPlugin } from './streams/plugin.js';
import { xrayApiPlugin } from './xray/index.js';

export interface DefaultPluginsOptions {
  /** Multiplies Step Functions' Retry intervals, Wait states and timeouts. @default 1 */
  readonly timeScale?: number;
  /** Retry timing of EventBridge target deliveries. */
  readonly eventBridgeRetry?: RetryTiming;
  /** Sleep between polls of a DynamoDB stream that has records coming. @default 50 */
  readonly streamPollIntervalMs?: number;
  /** The longest sleep between polls of a quiet stream (writes through the endpoint wake it). @default 2000 */
  readonly streamIdlePollIntervalMs?: number;
  /** Wait before retry n of a failed stream batch (mappings and pipes). @default 100 ms doubling up to 5 s */
  readonly streamRetryDelayMs?: (retry: number) => number;
  /** Evaluates every alarm with this period (seconds). @default LOCAL_CLOUDWATCH_PERIOD_SECONDS, else the alarm's own */
  readonly cloudWatchPeriodSeconds?: number;
  /** Multiplies the duration of FIS experiments' actions (a short game day). @default 1 */
  readonly fisTimeScale?: number;
}

/** The default plugins as an array (what `startLocalCloud` takes), with named handles for tests and tools. */
export type DefaultPlugins = LocalCloudPlugin[] & {
  readonly eventBridge: EventBridgePlugin;
  readonly stepFunctions: StepFunctionsPlugin;
  readonly streams: StreamsPlugin;
  readonly pipes: PipesPlugin;
  readonly cloudWatch: CloudWatchPlugin;
  readonly logs: LogsPlugin;
  readonly cognito: CognitoPlugin;
  readonly ssm: SsmPlugin;
  readonly fis: FisPlugin;
};

export function defaultPlugins(options: DefaultPluginsOptions = {}): DefaultPlugins {
  const bridge = () => {
    const service = eventBridge.service;
    if (!service) throw new Error('the local EventBridge has not started');
    return service.bridge;
  };
  const states = () => {
    const service = stepFunctions.service;
    if (!service) throw new Error('the local Step Functions has not started');
    return service;
  };

  const eventBridge = eventBridgePlugin({
    ...(options.eventBridgeRetry ? { retry: options.eventBridgeRetry } : {}),
    startExecution: async (stateMachineArn, input, traceHeader) => {
      states().startExecution({
        stateMachineArn,
        input: parseOrText(input),
        ...(traceHeader ? { traceHeader } : {}),
      });
    },
  });
  const stepFunctions = stepFunctionsPlugin({
    ...(options.timeScale !== undefined ? { timeScale: options.timeScale } : {}),
    // As the state machine's role, authorized like any caller (no role: the account's root).
    putEvents: async (params, caller) =>
      bridge().putEvents(params.Entries, {
        caller: caller.roleArn === undefined ? { accessKeyId: undefined } : { roleArn: caller.roleArn },
      }) as never,
  });
  const hub = new StreamHub({
    ...(options.streamPollIntervalMs !== undefined ? { pollIntervalMs: options.streamPollIntervalMs } : {}),
    ...(options.streamIdlePollIntervalMs !== undefined
      ? { idlePollIntervalMs: options.streamIdlePollIntervalMs }
      : {}),
  });
  const retry = options.streamRetryDelayMs ? { retryDelayMs: options.streamRetryDelayMs } : {};
  const streams = streamsPlugin({ hub, ...retry });
  const pipes = pipesPlugin({
    hub,
    ...retry,
    integrations: {
      // As the pipe's role, authorized like any caller (no role: the account's root).
      putEvents: async (entries, caller) =>
        bridge().putEvents(entries, {
          caller: caller.roleArn === undefined ? { accessKeyId: undefined } : { roleArn: caller.roleArn },
        }),
      startExecution: async (stateMachineArn, input) => {
        states().startExecution({ stateMachineArn, input: JSON.parse(input) });
      },
      runExecution: async (stateMachineArn, input) => {
        const { executionArn } = states().startExecution({ stateMachineArn, input: JSON.parse(input) });
        const done = await states().waitForExecution(executionArn);
        return {
          status: done.status,
          ...(done.error !== undefined ? { error: done.error } : {}),
          ...(done.cause !== undefined ? { cause: done.cause } : {}),
        };
      },
    },
  });
  const cloudWatch = cloudWatchPlugin(
    options.cloudWatchPeriodSeconds !== undefined ? { periodSeconds: options.cloudWatchPeriodSeconds } : {},
  );
  const ssm = ssmPlugin();
  const cognito = cognitoPlugin();
  const logs = logsPlugin();
  // Stop conditions on the local alarms; experiment logs into the local log groups.
  const fis = fisPlugin({
    ...(options.fisTimeScale !== undefined ? { timeScale: options.fisTimeScale } : {}),
    cloudWatch: () => cloudWatch.service,
    logs: () => logs.service,
  });
  return Object.assign(
    [
      ssm,
      functionUrlsPlugin(),
      eventBridge,
      stepFunctions,
      streams,
      pipes,
      cognito,
      // JWTs are believed when the local Cognito vouches for them (signature, issuer, client, expiry).
      appsyncPlugin({ verifyJwt: cognito.verifyJwt }),
      tlsListenerPlugin(),
      cloudWatch,
      // AWS/Events and AWS/States metrics from the local bus and state machines (after all three started).
      awsMetricsPlugin({
        cloudWatch: () => cloudWatch.service,
        eventBridge: () => eventBridge.service?.bridge,
        stepFunctions: () => stepFunctions.service,
      }),
      logs,
      fis,
      xrayApiPlugin(),
      // Last: it listens to the bus and reads the state machines started above.
      consolePlugin({
        eventBridge: () => eventBridge.service?.bridge,
        stepFunctions: () => stepFunctions.service,
        circuitBreakerTableVariable: CIRCUIT_BREAKER_TABLE_ENV,
      }),
    ],
    {
      eventBridge,
      stepFunctions,
      streams,
      pipes,
      cloudWatch,
      logs,
      ssm,
      cognito,
      fis,
    },
  );
}

function parseOrText(input: string): unknown {
  try {
    return JSON.parse(input);
  } catch {
    return input;
  }
}
