import { RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type * as fis from 'aws-cdk-lib/aws-fis';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { nagArnPrefix } from '../nag-ids.js';

/** `States.MathRandom` draws integers: the probability is compared in thousandths. */
const ROLL_SCALE = 1000;

export interface ChaosMonkeyProps {
  /** The experiment templates the monkey picks from, each as likely as the others. */
  readonly templates: readonly fis.CfnExperimentTemplate[];
  /** Chance (0 to 1) that one firing of the schedule starts an experiment. */
  readonly probability: number;
  /** When the schedule fires: business hours, e.g. `cron(0 9-16 ? * MON-FRI *)`. */
  readonly schedule: scheduler.ScheduleExpression;
  /** Whether the schedule fires at all. Off by default: a monkey is switched on on purpose. @default false */
  readonly enabled?: boolean;
  /** @default logs.RetentionDays.ONE_WEEK */
  readonly logRetention?: logs.RetentionDays;
  /** @default RemovalPolicy.DESTROY */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The chaos monkey without a Lambda: an EventBridge Scheduler schedule starts a small Express state machine
 * that rolls `States.MathRandom` against the probability, picks a template with
 * `States.ArrayGetItem(list, States.MathRandom(0, n))` and calls FIS StartExperiment, which it may do on the
 * given templates only.
 */
export class ChaosMonkey extends Construct {
  public readonly stateMachine: sfn.StateMachine;
  public readonly schedule: scheduler.Schedule;
  public readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ChaosMonkeyProps) {
    super(scope, id);
    if (!(props.probability >= 0 && props.probability <= 1))
      throw new RangeError(`ChaosMonkey: probability ${props.probability} is not between 0 and 1`);
    if (props.templates.length === 0)
      throw new RangeError('ChaosMonkey: no experiment template to pick from');
    const stack = Stack.of(this);
    const threshold = Math.round(props.probability * ROLL_SCALE);

    const roll = new sfn.Pass(this, 'Roll', {
      comment: `Draws 0-${ROLL_SCALE - 1}; below ${threshold} an experiment starts`,
      parameters: {
        'roll.$': `States.MathRandom(0, ${ROLL_SCALE})`,
        templates: props.templates.map((t) => t.ref),
      },
      resultPath: '$.monkey',
    });
    const pick = new sfn.Pass(this, 'PickExperiment', {
      parameters: {
        'templateId.$': `States.ArrayGetItem($.monkey.templates, States.MathRandom(0, ${props.templates.length}))`,
      },
      resultPath: '$.pick',
    });
    const start = new tasks.CallAwsService(this, 'StartExperiment', {
      service: 'fis',
      action: 'startExperiment',
      iamAction: 'fis:StartExperiment',
      parameters: {
        ExperimentTemplateId: sfn.JsonPath.stringAt('$.pick.templateId'),
        // One experiment per execution, whatever the retries.
        ClientToken: sfn.JsonPath.stringAt('$$.Execution.Name'),
      },
      iamResources: [
        ...props.templates.map((t) =>
          stack.formatArn({ service: 'fis', resource: 'experiment-template', resourceName: t.ref }),
        ),
        // StartExperiment is also authorized on the experiment it creates, whose id does not exist yet.
        stack.formatArn({ service: 'fis', resource: 'experiment', resourceName: '*' }),
      ],
    });
    // Whether MathRandom's end is inclusive differs between implementations (aws-local-stepfunctions includes
    // it): an index past the list gives null, and drawing again keeps every template equally likely either way.
    pick.next(
      new sfn.Choice(this, 'Picked').when(sfn.Condition.isNull('$.pick.templateId'), pick).otherwise(start),
    );
    const definition = roll.next(
      new sfn.Choice(this, 'Unlucky')
        .when(sfn.Condition.numberLessThan('$.monkey.roll', threshold), pick)
        .otherwise(new sfn.Succeed(this, 'NotThisTime')),
    );

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_WEEK,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY,
    });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineType: sfn.StateMachineType.EXPRESS,
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      tracingEnabled: true,
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
      comment: 'The chaos monkey: now and then, starts one of the catalogue experiments at random',
    });

    this.schedule = new scheduler.Schedule(this, 'Schedule', {
      schedule: props.schedule,
      description: `Rolls the chaos monkey (probability ${props.probability})`,
      target: new targets.StepFunctionsStartExecution(this.stateMachine, { retryAttempts: 0 }),
      enabled: props.enabled ?? false,
    });

    Validations.of(this.stateMachine).acknowledge(
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'Step Functions log delivery (logs:*LogDelivery*, DescribeLogGroups...) and X-Ray PutTraceSegments support no resource-level permissions.',
      },
      {
        id: `AwsSolutions-IAM5[Resource::${nagArnPrefix(Stack.of(this), 'fis')}:experiment/*]`,
        reason:
          'fis:StartExperiment is authorized on the experiment it creates, whose id is not known before; the templates it may start are listed one by one.',
      },
    );
  }
}
