import { fileURLToPath } from 'node:url';
import { Duration, Stack } from 'aws-cdk-lib';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import {
  type DeploymentAlarmThresholds,
  type DeploymentStrategy,
  LiveDeployment,
} from './live-deployment.js';
import { ServiceFunction, type ServiceFunctionProps } from './service-function.js';

const preTrafficEntry = fileURLToPath(new URL('../../functions/deployment/pre-traffic.ts', import.meta.url));

/** A harmless request a function's pre-traffic hook sends its new version, and the answers that pass. */
export interface SmokeTest {
  readonly function: ServiceFunction;
  /** @default {} */
  readonly payload?: unknown;
  /**
   * Error types that still prove the version healthy: a request refused before any write (a command
   * handler's `ValidationError` to an empty request). @default - only a successful answer passes
   */
  readonly acceptedErrors?: readonly string[];
}

export interface StackDeploymentsProps {
  readonly strategy: DeploymentStrategy;
  readonly thresholds: DeploymentAlarmThresholds;
  /** Functions whose new versions a pre-traffic hook smoke-tests before any traffic moves. @default none */
  readonly smokeTests?: readonly SmokeTest[];
  /** Where the alias alarms notify as well. @default - no action */
  readonly alarmTopic?: sns.ITopic;
  /** The stage's settings for the hook functions (log retention and removal, log level, tracing). */
  readonly hookDefaults?: Pick<
    ServiceFunctionProps,
    'logRetention' | 'removalPolicy' | 'logLevel' | 'tracing'
  >;
}

/**
 * Every `live` alias of a stack deployed by CodeDeploy: one application for the stack, one `LiveDeployment`
 * (alarms on the alias, a deployment group with auto-rollback) per `ServiceFunction` in it, and a pre-traffic
 * hook per smoke-tested function.
 *
 * One hook per smoke-tested function, in the function's stack, rather than one shared hook: the hook's only
 * rights are to invoke that function's new version (its ARN, not `function:*`) and to report to that group,
 * and a service deploys without touching another stack.
 *
 * Create it after the stack is complete (`buildApp` does): it deploys the functions that exist then. The
 * hooks themselves are not shifted by CodeDeploy (a hook judged by itself proves nothing): their `live` alias
 * moves with the stack.
 */
export class StackDeployments extends Construct {
  /** Undefined in a stack without functions. */
  public readonly application?: codedeploy.LambdaApplication;
  /** By the function's path under the stack (`Commands`, `EventStore/Relay`, ...). */
  public readonly deployments: Record<string, LiveDeployment> = {};
  public readonly hooks: ServiceFunction[] = [];

  constructor(scope: Stack, id: string, props: StackDeploymentsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const functions = stack.node
      .findAll()
      .filter((c): c is ServiceFunction => c instanceof ServiceFunction && Stack.of(c) === stack);
    if (functions.length === 0) return;
    const application = new codedeploy.LambdaApplication(this, 'Application');
    this.application = application;
    const smokeTests = new Map((props.smokeTests ?? []).map((test) => [test.function, test]));
    for (const fn of functions) {
      const name = fn.node.path.slice(stack.node.path.length + 1);
      const test = smokeTests.get(fn);
      const preHook = test ? this.preTrafficHook(name, test, props) : undefined;
      this.deployments[name] = new LiveDeployment(this, name.replaceAll('/', '-'), {
        function: fn,
        application,
        strategy: props.strategy,
        thresholds: props.thresholds,
        ...(preHook ? { preHook: preHook.alias } : {}),
        ...(props.alarmTopic ? { alarmTopic: props.alarmTopic } : {}),
      });
    }
  }

  private preTrafficHook(name: string, test: SmokeTest, props: StackDeploymentsProps): ServiceFunction {
    const target = test.function.function.currentVersion;
    const hook = new ServiceFunction(this, `${name.replaceAll('/', '-')}PreTraffic`, {
      ...props.hookDefaults,
      service: 'deployment',
      entry: preTrafficEntry,
      description: `Pre-traffic smoke test of ${name}'s new version (CodeDeploy hook)`,
      // The target's cold start is inside this.
      timeout: Duration.seconds(30),
      chaosTarget: false,
      environment: {
        SMOKE_TARGET_ARN: target.functionArn,
        SMOKE_PAYLOAD: JSON.stringify(test.payload ?? {}),
        SMOKE_ACCEPTED_ERRORS: (test.acceptedErrors ?? []).join(','),
      },
    });
    // The new version only: not the function's other versions, nor its alias.
    target.grantInvoke(hook.alias);
    this.hooks.push(hook);
    return hook;
  }
}
