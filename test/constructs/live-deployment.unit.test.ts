import { fileURLToPath } from 'node:url';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Capture, Match, Template } from 'aws-cdk-lib/assertions';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../bin/app.js';
import { ConfigError, loadConfig } from '../../lib/config.js';
import type { DeploymentStrategy } from '../../lib/constructs/live-deployment.js';
import { Saga } from '../../lib/constructs/saga/index.js';
import { LIVE_ALIAS, ServiceFunction } from '../../lib/constructs/service-function.js';
import { StackDeployments } from '../../lib/constructs/stack-deployments.js';

const entry = fileURLToPath(new URL('../fixtures/handlers/echo.ts', import.meta.url));
const THRESHOLDS = { errors: 1, throttles: 2, p99TimeoutPercent: 80 } as const;

/** A stack with two functions, the first smoke-tested, deployed with `strategy`; cdk-nag on. */
function deployed(strategy: DeploymentStrategy) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const stack = new Stack(app, 'Service');
  const commands = new ServiceFunction(stack, 'Commands', { service: 'svc', entry });
  new ServiceFunction(stack, 'Projector', { service: 'svc', entry });
  const deployments = new StackDeployments(stack, 'Deployments', {
    strategy,
    thresholds: THRESHOLDS,
    smokeTests: [{ function: commands, acceptedErrors: ['ValidationError'] }],
  });
  return { stack, commands, deployments, template: Template.fromStack(stack) };
}

const CONFIG_NAMES: Record<DeploymentStrategy, string> = {
  canary: 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
  linear: 'CodeDeployDefault.LambdaLinear10PercentEvery1Minute',
  'blue-green': 'CodeDeployDefault.LambdaAllAtOnce',
  'all-at-once': 'CodeDeployDefault.LambdaAllAtOnce',
};

describe('StackDeployments', () => {
  it.each(Object.keys(CONFIG_NAMES) as DeploymentStrategy[])(
    '%s: one deployment group per live alias, with the strategy, and cdk-nag clean',
    (strategy) => {
      const { template } = deployed(strategy);
      const groups = template.findResources('AWS::CodeDeploy::DeploymentGroup');
      // Commands and Projector; the hook's alias is not shifted (a hook judged by itself proves nothing).
      expect(Object.keys(groups)).toHaveLength(2);
      template.resourceCountIs('AWS::CodeDeploy::Application', 1);
      for (const group of Object.values(groups)) {
        expect(group.Properties.DeploymentConfigName).toEqual(
          expect.stringContaining(CONFIG_NAMES[strategy]) as unknown,
        );
        expect(group.Properties.DeploymentStyle).toEqual({
          DeploymentType: 'BLUE_GREEN',
          DeploymentOption: 'WITH_TRAFFIC_CONTROL',
        });
      }
      const shifted = template.findResources('AWS::Lambda::Alias', {
        UpdatePolicy: { CodeDeployLambdaAliasUpdate: Match.anyValue() },
      });
      expect(Object.keys(shifted)).toHaveLength(2);
    },
  );

  it('wires errors, throttles and p99 alarms on each alias into the group, rolling back on alarm', () => {
    const { template, stack, deployments } = deployed('canary');
    const commands = deployments.deployments.Commands!;
    // The alias's own metrics: dimensions FunctionName and Resource (<function>:live).
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Threshold: THRESHOLDS.errors,
      Period: 60,
      Dimensions: Match.arrayWith([
        Match.objectLike({ Name: 'Resource', Value: Match.objectLike({ 'Fn::Join': Match.anyValue() }) }),
      ]),
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Throttles', Threshold: 2 });
    // 80% of the default 10 s timeout.
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Duration',
      ExtendedStatistic: 'p99',
      Threshold: 8000,
    });
    const alarmRefs = [commands.errorsAlarm, commands.throttlesAlarm, commands.durationAlarm].map((a) => ({
      Name: { Ref: stack.getLogicalId(a.node.defaultChild as never) },
    }));
    template.hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', {
      AlarmConfiguration: { Enabled: true, Alarms: Match.arrayEquals(alarmRefs) },
      AutoRollbackConfiguration: {
        Enabled: true,
        Events: Match.arrayWith(['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM']),
      },
    });
  });

  it('all-at-once keeps the alarms configured but ignored: only a failed deployment rolls back', () => {
    const { template } = deployed('all-at-once');
    const groups = Object.values(template.findResources('AWS::CodeDeploy::DeploymentGroup'));
    for (const group of groups) {
      expect(group.Properties.AlarmConfiguration).toMatchObject({ Enabled: false });
      expect(group.Properties.AutoRollbackConfiguration.Events).not.toContain('DEPLOYMENT_STOP_ON_ALARM');
      expect(group.Properties.AutoRollbackConfiguration.Events).toContain('DEPLOYMENT_FAILURE');
    }
  });

  it('blue-green: all at once, watched by its own alias alarms, rolled back when one fires', () => {
    const { template, stack, deployments } = deployed('blue-green');
    for (const deployment of Object.values(deployments.deployments)) {
      const alarmRefs = [deployment.errorsAlarm, deployment.throttlesAlarm, deployment.durationAlarm].map(
        (a) => ({ Name: { Ref: stack.getLogicalId(a.node.defaultChild as never) } }),
      );
      const group = template.toJSON().Resources[
        stack.getLogicalId(deployment.group.node.defaultChild as never)
      ] as { Properties: Record<string, unknown> };
      expect(group.Properties).toMatchObject({
        DeploymentConfigName: CONFIG_NAMES['blue-green'],
        AlarmConfiguration: { Enabled: true, Alarms: alarmRefs },
        AutoRollbackConfiguration: {
          Enabled: true,
          Events: expect.arrayContaining(['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM']) as unknown,
        },
      });
    }
    expect(Object.keys(deployments.deployments)).toHaveLength(2);
  });

  it('blue-green differs from all-at-once only in watching the alarms (same config, same alarms)', () => {
    const groupsOf = (strategy: DeploymentStrategy) =>
      deployed(strategy).template.findResources('AWS::CodeDeploy::DeploymentGroup') as Record<
        string,
        {
          Properties: {
            AlarmConfiguration: { Enabled: boolean };
            AutoRollbackConfiguration: { Events: string[] };
          };
        }
      >;
    const blueGreen = groupsOf('blue-green');
    const allAtOnce = groupsOf('all-at-once');
    expect(Object.keys(blueGreen).sort()).toEqual(Object.keys(allAtOnce).sort());
    for (const [id, group] of Object.entries(blueGreen)) {
      const { AlarmConfiguration, AutoRollbackConfiguration, ...rest } = group.Properties;
      const other = allAtOnce[id]!.Properties;
      expect(AlarmConfiguration).toEqual({ ...other.AlarmConfiguration, Enabled: true });
      expect(other.AlarmConfiguration.Enabled).toBe(false);
      expect([...AutoRollbackConfiguration.Events].sort()).toEqual(
        [...other.AutoRollbackConfiguration.Events, 'DEPLOYMENT_STOP_ON_ALARM'].sort(),
      );
      // Everything else (the all-at-once config, the blue/green style, the application, the role) is the same.
      const { AlarmConfiguration: _a, AutoRollbackConfiguration: _r, ...otherRest } = other;
      expect(rest).toEqual(otherRest);
    }
  });

  it('smoke-tests the new Commands version before traffic moves, with the rights to do only that', () => {
    const { template, stack, commands, deployments } = deployed('canary');
    const [hook] = deployments.hooks;
    expect(deployments.hooks).toHaveLength(1);
    const target = new Capture();
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          SMOKE_TARGET_ARN: target,
          SMOKE_PAYLOAD: '{}',
          SMOKE_ACCEPTED_ERRORS: 'ValidationError',
        }),
      },
    });
    // The version the Commands alias is about to move to (a new logical id with every new code).
    const versionRef = target.asObject() as { Ref: string };
    expect(template.toJSON().Resources[versionRef.Ref]).toMatchObject({
      Type: 'AWS::Lambda::Version',
      Properties: { FunctionName: { Ref: stack.getLogicalId(commands.function.node.defaultChild as never) } },
    });
    const hookRole = stack.getLogicalId(hook!.function.role!.node.defaultChild as never);
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: hookRole }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: 'lambda:InvokeFunction', Resource: versionRef }),
          Match.objectLike({ Action: 'codedeploy:PutLifecycleEventHookExecutionStatus' }),
        ]),
      },
    });
    // The Commands alias names the hook; the Projector's has none.
    const aliases = Object.values(template.findResources('AWS::Lambda::Alias'));
    const hooks = aliases
      .map((a) => a.UpdatePolicy?.CodeDeployLambdaAliasUpdate?.BeforeAllowTrafficHook)
      .filter(Boolean);
    expect(hooks).toHaveLength(1);
  });
});

describe('the app, per stage', () => {
  // Built once per configuration: a whole app takes seconds to build and more to synthesize.
  const apps = new Map<string, App>();
  const appOf = (env: Record<string, string>) => {
    const key = JSON.stringify(env);
    if (!apps.has(key))
      apps.set(key, buildApp(loadConfig(env), new App({ context: { 'aws:cdk:bundling-stacks': [] } })));
    return apps.get(key)!;
  };
  const groupsOf = (env: Record<string, string>) => {
    const app = appOf(env);
    const groups = app.node
      .findAll()
      .filter((c): c is codedeploy.LambdaDeploymentGroup => c instanceof codedeploy.LambdaDeploymentGroup);
    const liveAliases = app.node
      .findAll()
      .filter((c): c is lambda.Alias => c instanceof lambda.Alias && c.aliasName === LIVE_ALIAS);
    const configs = new Set(
      groups.map((g) =>
        Stack.of(g).resolve((g.node.defaultChild as codedeploy.CfnDeploymentGroup).deploymentConfigName),
      ),
    );
    const hooks = app.node
      .findAll()
      .filter((c) => c instanceof StackDeployments)
      .flatMap((d) => d.hooks);
    return { groups, liveAliases, configs: [...configs].map((c) => JSON.stringify(c)), hooks };
  };

  it('prod: every live alias but the hooks has a canary deployment group, no all-at-once', () => {
    const { groups, liveAliases, configs, hooks } = groupsOf({ STAGE: 'prod' });
    expect(groups.length).toBe(liveAliases.length - hooks.length);
    expect(new Set(groups.map((g) => g.node.scope))).toHaveProperty('size', groups.length);
    expect(configs).toHaveLength(1);
    expect(configs[0]).toContain('LambdaCanary10Percent5Minutes');
    // One pre-traffic hook per service with Commands (users, inventory, orders, payments, ...).
    expect(hooks.length).toBeGreaterThanOrEqual(6);
  }, 120_000);

  it('prod: every saga alias shifts by canary, rolled back by its compensation-failed alarm', () => {
    const app = appOf({ STAGE: 'prod' });
    const sagas = app.node.findAll().filter((c): c is Saga => c instanceof Saga);
    expect(sagas.length).toBeGreaterThanOrEqual(1);
    // The synthesized templates (cdk-nag runs too): every state machine alias of the stage, not only the sagas'.
    const aliases = app.node.children
      .filter((c): c is Stack => c instanceof Stack)
      .flatMap((stack) =>
        Object.entries(Template.fromStack(stack).findResources('AWS::StepFunctions::StateMachineAlias')).map(
          ([id, alias]) => ({ stack, id, alias }),
        ),
      );
    expect(aliases).toHaveLength(sagas.length);
    for (const saga of sagas) {
      const stack = Stack.of(saga);
      const found = aliases.find((a) => a.stack === stack && a.id === stack.getLogicalId(saga.alias));
      expect(found?.alias.Properties.DeploymentPreference).toEqual({
        Type: 'CANARY',
        Percentage: 10,
        Interval: 5,
        StateMachineVersionArn: { 'Fn::GetAtt': [stack.getLogicalId(saga.version), 'Arn'] },
        Alarms: [{ Ref: stack.getLogicalId(saga.compensationFailedAlarm.node.defaultChild as never) }],
      });
    }
  }, 180_000);

  it('prod deploys all at once only when DEPLOYMENT_STRATEGY says so: the functions and the saga', () => {
    const env = { STAGE: 'prod', DEPLOYMENT_STRATEGY: 'all-at-once' };
    const { configs } = groupsOf(env);
    expect(configs).toHaveLength(1);
    expect(configs[0]).toContain('LambdaAllAtOnce');
    const sagas = appOf(env)
      .node.findAll()
      .filter((c): c is Saga => c instanceof Saga);
    expect(sagas.length).toBeGreaterThanOrEqual(1);
    for (const saga of sagas) {
      expect(Stack.of(saga).resolve(saga.alias.deploymentPreference)).toMatchObject({ type: 'ALL_AT_ONCE' });
    }
  }, 120_000);

  it('dev defaults to all at once; DEPLOYMENT_STRATEGY overrides either stage; a bad value is refused', () => {
    expect(loadConfig({ STAGE: 'dev' }).deployment.strategy).toBe('all-at-once');
    expect(loadConfig({ STAGE: 'prod' }).deployment.strategy).toBe('canary');
    expect(loadConfig({ STAGE: 'prod', DEPLOYMENT_STRATEGY: 'linear' }).deployment.strategy).toBe('linear');
    expect(loadConfig({ STAGE: 'dev', DEPLOYMENT_STRATEGY: 'blue-green' }).deployment.strategy).toBe(
      'blue-green',
    );
    expect(() => loadConfig({ STAGE: 'prod', DEPLOYMENT_STRATEGY: 'yolo' })).toThrow(ConfigError);
    expect(() => loadConfig({ STAGE: 'prod', DEPLOYMENT_STRATEGY: 'yolo' })).toThrow(/DEPLOYMENT_STRATEGY/);
  });

  it('prod with DEPLOYMENT_STRATEGY=linear shifts every alias linearly', () => {
    const { configs } = groupsOf({ STAGE: 'prod', DEPLOYMENT_STRATEGY: 'linear' });
    expect(configs).toHaveLength(1);
    expect(configs[0]).toContain('LambdaLinear10PercentEvery1Minute');
  }, 120_000);
});
