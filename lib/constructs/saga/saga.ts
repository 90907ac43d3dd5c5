import { fileURLToPath } from 'node:url';
import { CfnDeletionPolicy, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import {
  type DomainEventBus,
  type Subscription,
  type SubscriptionTarget,
  SubscriptionTargets,
} from '../domain-event-bus.js';
import { stateMachineDeploymentPreference } from '../live-deployment.js';
import { LIVE_ALIAS, METRICS_NAMESPACE, ServiceFunction } from '../service-function.js';
import { sagaDefinition } from './definition.js';
import type { SagaProps } from './props.js';
import { STEP_NAME } from './runtime/contract.js';

/** The saga's own functions (starter, event builder) live beside the construct that deploys them: generic too. */
const runtimeEntry = (file: string) => fileURLToPath(new URL(`./runtime/${file}`, import.meta.url));

/** The saga metrics the event builder records (EMF, dimensions `service: saga` and `SagaName`). */
export type SagaMetricName =
  | 'SagaStarted'
  | 'SagaSucceeded'
  | 'SagaCompensated'
  | 'SagaCompensationFailed'
  | 'SagaDuration';

export interface StartOnOptions {
  /** The events that start the saga (e.g. OrderPlaced); the starter reads the business key from them. */
  readonly eventPattern: events.EventPattern;
  /** @default - the saga's own scope (a rule lives in the subscriber's stack) */
  readonly scope?: Construct;
  readonly description?: string;
}

/**
 * An orchestrated saga: a Step Functions state machine compiled from a list of steps (action, compensation,
 * retry, timeout). A failed step runs the compensations of the steps before it in reverse order. Outcomes:
 * - **Succeeded**: the execution succeeds, output `{ status: 'Succeeded', sagaName, sagaId, subjectId, results }`;
 * - **Abandoned**: a step failed with one of its `abandonOn` errors (nothing to act on): the execution succeeds,
 *   output `{ status: 'Abandoned', ..., abandonedStep, error: { Error, Cause } }`, nothing compensated;
 * - **Compensated**: the execution succeeds, output `{ status: 'Compensated', ..., failedStep, error: { Error,
 *   Cause }, compensatedSteps, results }`;
 * - **CompensationFailed**: the execution fails with `Saga.CompensationFailed`, its cause the JSON
 *   `{ status: 'CompensationFailed', ..., failedCompensation, compensationError, pendingCompensations, ... }`
 *   naming what is left to undo by hand; the `compensationFailedAlarm` fires.
 * Lifecycle events (SagaStarted, SagaStepCompleted, SagaCompensated, SagaFailed) go to the platform bus.
 *
 * Start it with `startOn(bus, ...)` (or `starterTarget()`): the starter function names the execution after the
 * business key, so an event delivered twice starts one saga. No business logic lives here: the steps do.
 */
export class Saga extends Construct {
  public readonly sagaName: string;
  public readonly stateMachine: sfn.StateMachine;
  public readonly logGroup: logs.LogGroup;
  /** Builds the lifecycle envelopes and records the saga metrics. */
  public readonly eventBuilder: ServiceFunction;
  /** Starts one execution per business key (ExecutionAlreadyExists → already started). */
  public readonly starter: ServiceFunction;
  /** Failed executions: a compensation kept failing (or the definition broke); someone must look. */
  public readonly compensationFailedAlarm: cloudwatch.Alarm;
  /** The state machine's definition as deployed: a new one at every change of the definition. */
  public readonly version: sfn.CfnStateMachineVersion;
  /**
   * The `live` alias the starter starts executions through, shifted to each new version by the deployment
   * preference (`deploymentStrategy`), rolled back when the compensation-failed alarm fires. A running
   * execution stays on the version it started on.
   */
  public readonly alias: sfn.CfnStateMachineAlias;

  constructor(scope: Construct, id: string, props: SagaProps) {
    super(scope, id);
    validate(props);
    this.sagaName = props.sagaName;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.DESTROY;

    this.eventBuilder = new ServiceFunction(this, 'EventBuilder', {
      service: 'saga',
      entry: runtimeEntry('events.ts'),
      description: `Builds the lifecycle events of the ${props.sagaName} saga and records its metrics`,
      environment: { ...props.environment },
      chaosTarget: false,
      logRetention: props.logRetention,
      removalPolicy,
    });

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy,
    });

    const definition = sagaDefinition(this, {
      sagaName: props.sagaName,
      steps: props.steps,
      eventBus: props.eventBus,
      eventBuilder: this.eventBuilder.alias,
      ...(props.transientRetry && { transientRetry: props.transientRetry }),
    });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      stateMachineType: props.stateMachineType ?? sfn.StateMachineType.STANDARD,
      stateMachineName: props.stateMachineName,
      timeout: props.timeout,
      comment: `${props.sagaName} saga: ${props.steps.map((s) => s.name).join(' → ')}`,
      tracingEnabled: true,
      ...(props.roleName !== undefined && {
        role: new iam.Role(this, 'Role', {
          roleName: props.roleName,
          assumedBy: new iam.ServicePrincipal('states.amazonaws.com'),
        }),
      }),
      // Every state transition (cdk-nag SF1 asks for level ALL, and that is all it checks), but not the
      // states' inputs and outputs: they carry what the saga's steps pass on (an order's shipping address,
      // whatever a step returns), and logs are kept long and read widely. The execution history still shows
      // them to whoever may read executions (states:GetExecutionHistory), for as long as Step Functions keeps it.
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
      removalPolicy,
    });
    // A named role is the state machine's sibling, not its child: it needs the same acknowledgement.
    const role = this.node.tryFindChild('Role');
    for (const scope of role ? [this.stateMachine, role] : [this.stateMachine]) {
      Validations.of(scope).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'Step Functions log delivery (logs:*LogDelivery*, DescribeLogGroups...) and X-Ray PutTraceSegments support no resource-level permissions.',
      });
    }

    this.compensationFailedAlarm = new cloudwatch.Alarm(this, 'CompensationFailedAlarm', {
      alarmDescription:
        `A ${props.sagaName} saga execution failed: a compensation kept failing (Saga.CompensationFailed). ` +
        'The execution cause lists the compensations left to undo by hand.',
      metric: this.stateMachine.metricFailed({ period: Duration.minutes(1), statistic: 'Sum' }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    if (props.alarmTopic)
      this.compensationFailedAlarm.addAlarmAction(new cwActions.SnsAction(props.alarmTopic));

    // The revision id changes with the definition, so CloudFormation publishes a new version then; the old
    // one is kept on replacement (the alias still routes to it while traffic shifts, and for a rollback).
    this.version = new sfn.CfnStateMachineVersion(this, 'Version', {
      stateMachineArn: this.stateMachine.stateMachineArn,
      stateMachineRevisionId: this.stateMachine.stateMachineRevisionId,
      description: `${props.sagaName} saga`,
    });
    this.version.cfnOptions.updateReplacePolicy = CfnDeletionPolicy.RETAIN;
    Validations.of(this.version).acknowledge({
      id: 'CloudFormation-Validate::W3011',
      reason:
        'Retained on replacement only, for the shift and a rollback; a deleted stack takes its versions with the state machine.',
    });
    this.alias = new sfn.CfnStateMachineAlias(this, 'LiveAlias', {
      name: LIVE_ALIAS,
      description: `What starts ${props.sagaName} sagas: shifted to each new version by the deployment preference`,
      deploymentPreference: stateMachineDeploymentPreference(
        props.deploymentStrategy ?? 'all-at-once',
        this.version.attrArn,
        [this.compensationFailedAlarm.alarmName],
      ),
    });

    this.starter = new ServiceFunction(this, 'Starter', {
      service: 'saga',
      entry: runtimeEntry('start.ts'),
      description: `Starts the ${props.sagaName} saga once per business key`,
      environment: {
        ...props.environment,
        // The alias, not the state machine: a deploy shifts new sagas to the new version gradually.
        STATE_MACHINE_ARN: this.alias.ref,
        BUSINESS_KEY_PATH: props.businessKeyPath,
      },
      chaosTarget: false,
      logRetention: props.logRetention,
      removalPolicy,
    });
    // Starting through an alias needs the right on the alias's ARN (the unqualified one does not cover it).
    this.starter.function.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['states:StartExecution'], resources: [this.alias.ref] }),
    );
  }

  /** A rule target invoking the starter (its `live` alias) with the triggering event. */
  starterTarget(): SubscriptionTarget {
    return SubscriptionTargets.lambda(this.starter.alias);
  }

  /**
   * Starts the saga on matching events of the bus: a rule (retry policy, DLQ, alarm) targeting the starter,
   * whose failed invocations (after Lambda's retries) go to its failure queue, which alarms.
   */
  startOn(bus: DomainEventBus, id: string, options: StartOnOptions): Subscription {
    return bus.subscribe(options.scope ?? this, id, {
      eventPattern: options.eventPattern,
      target: this.starterTarget(),
      description: options.description ?? `Starts the ${this.sagaName} saga`,
    });
  }

  /** One of the saga's EMF metrics. */
  metric(name: SagaMetricName, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: METRICS_NAMESPACE,
      metricName: name,
      dimensionsMap: { service: 'saga', SagaName: this.sagaName },
      statistic: name === 'SagaDuration' ? 'p90' : 'Sum',
      period: Duration.minutes(5),
      ...props,
    });
  }

  /** Percentage of sagas started in the period that succeeded. */
  metricSuccessRate(props: cloudwatch.MathExpressionOptions = {}): cloudwatch.MathExpression {
    return this.rate('SagaSucceeded', 'success rate', props);
  }

  /** Percentage of sagas started in the period that ended compensated. */
  metricCompensationRate(props: cloudwatch.MathExpressionOptions = {}): cloudwatch.MathExpression {
    return this.rate('SagaCompensated', 'compensation rate', props);
  }

  /** How long sagas take, start to outcome (p90 by default). */
  metricDuration(props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metric('SagaDuration', props);
  }

  private rate(
    name: SagaMetricName,
    label: string,
    props: cloudwatch.MathExpressionOptions,
  ): cloudwatch.MathExpression {
    return new cloudwatch.MathExpression({
      expression: 'IF(started > 0, 100 * outcome / started, 0)',
      usingMetrics: { outcome: this.metric(name), started: this.metric('SagaStarted') },
      label: `${this.sagaName} ${label} (%)`,
      period: Duration.minutes(5),
      ...props,
    });
  }
}

function validate(props: SagaProps): void {
  if (!/^[A-Za-z][A-Za-z0-9]{0,99}$/.test(props.sagaName)) {
    throw new Error(`Saga: sagaName "${props.sagaName}" must be PascalCase letters and digits (max 100)`);
  }
  if (props.steps.length === 0) throw new Error(`Saga ${props.sagaName}: at least one step`);
  const seen = new Set<string>();
  for (const step of props.steps) {
    if (!STEP_NAME.test(step.name)) {
      throw new Error(`Saga ${props.sagaName}: step name "${step.name}" must match ${STEP_NAME}`);
    }
    if (seen.has(step.name)) throw new Error(`Saga ${props.sagaName}: step ${step.name} appears twice`);
    seen.add(step.name);
    if (step.abandonOn?.includes(sfn.Errors.ALL)) {
      throw new Error(`Saga ${props.sagaName}: step ${step.name} cannot abandon on ${sfn.Errors.ALL}`);
    }
  }
}
