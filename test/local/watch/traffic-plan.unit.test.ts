/**
 * Reading CodeDeploy's plan for an alias from a template (as CDK synthesizes `LambdaDeploymentGroup`), and
 * running a plan on a local function's alias with alarms that stay OK or fire.
 */
import { describe, expect, it } from 'vitest';
import type { CfnTemplate } from '../../../local/assembly/template.js';
import type { LocalFunction } from '../../../local/lambda/functions.js';
import { publishVersion } from '../../../local/lambda/versions.js';
import { shiftAlias, type WatchedAlarm } from '../../../local/watch/alias-shift.js';
import { WatchError } from '../../../local/watch/errors.js';
import { aliasDeployments, routingOf, trafficSteps } from '../../../local/watch/traffic-plan.js';

function template(
  configName: unknown,
  alarmsEnabled: boolean,
  extra: CfnTemplate['Resources'] = {},
): CfnTemplate {
  return {
    Resources: {
      Fn: { Type: 'AWS::Lambda::Function', Properties: {} },
      FnLive: {
        Type: 'AWS::Lambda::Alias',
        Properties: { FunctionName: { Ref: 'Fn' }, FunctionVersion: '1', Name: 'live' },
        UpdatePolicy: {
          CodeDeployLambdaAliasUpdate: {
            ApplicationName: { Ref: 'App' },
            DeploymentGroupName: { Ref: 'Group' },
            BeforeAllowTrafficHook: 'hook:live',
          },
        },
      } as never,
      Group: {
        Type: 'AWS::CodeDeploy::DeploymentGroup',
        Properties: {
          DeploymentConfigName: configName,
          AlarmConfiguration: {
            Enabled: alarmsEnabled,
            Alarms: [{ Name: { Ref: 'Errors' } }, { Name: 'by-name' }],
          },
        },
      },
      Other: { Type: 'AWS::Lambda::Alias', Properties: { FunctionName: { Ref: 'Another' }, Name: 'live' } },
      ...extra,
    },
  };
}

describe('aliasDeployments', () => {
  it("reads a predefined canary, the group's alarms and its hook", () => {
    const [deployment, ...others] = aliasDeployments(
      template('CodeDeployDefault.LambdaCanary10Percent5Minutes', true),
      'Fn',
    );
    expect(others).toEqual([]);
    expect(deployment).toMatchObject({
      aliasLogicalId: 'FnLive',
      aliasName: 'live',
      groupLogicalId: 'Group',
    });
    expect(deployment?.plan).toEqual({
      config: 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
      kind: 'canary',
      steps: [
        { percent: 10, holdMinutes: 5 },
        { percent: 100, holdMinutes: 0 },
      ],
      watchAlarms: true,
      alarms: [{ logicalId: 'Errors' }, { name: 'by-name' }],
      beforeAllowTrafficHook: 'hook:live',
    });
  });

  it('reads linear and all-at-once, and a custom configuration of the template', () => {
    expect(
      aliasDeployments(template('CodeDeployDefault.LambdaLinear10PercentEvery1Minute', true), 'Fn')[0]?.plan
        .steps,
    ).toEqual([
      ...[10, 20, 30, 40, 50, 60, 70, 80, 90].map((percent) => ({ percent, holdMinutes: 1 })),
      { percent: 100, holdMinutes: 0 },
    ]);
    const dev = aliasDeployments(template('CodeDeployDefault.LambdaAllAtOnce', false), 'Fn')[0]?.plan;
    expect(dev).toMatchObject({
      kind: 'all-at-once',
      steps: [{ percent: 100, holdMinutes: 0 }],
      watchAlarms: false,
    });
    const custom = template({ Ref: 'Config' }, true, {
      Config: {
        Type: 'AWS::CodeDeploy::DeploymentConfig',
        Properties: {
          ComputePlatform: 'Lambda',
          TrafficRoutingConfig: {
            Type: 'TimeBasedLinear',
            TimeBasedLinear: { LinearPercentage: 30, LinearInterval: 2 },
          },
        },
      },
    });
    expect(aliasDeployments(custom, 'Fn')[0]?.plan).toMatchObject({
      config: 'Config',
      kind: 'linear',
      steps: [
        { percent: 30, holdMinutes: 2 },
        { percent: 60, holdMinutes: 2 },
        { percent: 90, holdMinutes: 2 },
        { percent: 100, holdMinutes: 0 },
      ],
    });
  });

  it('refuses a configuration it does not know, with a typed error', () => {
    const error = (() => {
      try {
        routingOf('CodeDeployDefault.OneAtATime', { Resources: {} });
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(WatchError);
    expect((error as WatchError).code).toBe('DEPLOYMENT_CONFIG_UNKNOWN');
    expect(() => trafficSteps({ kind: 'canary', percent: 0, intervalMinutes: 5 })).toThrow(WatchError);
  });
});

function fn(): LocalFunction {
  return {
    name: 'Writer',
    arn: 'arn:aws:lambda:us-east-1:000000000000:function:Writer',
    stackName: 'S',
    logicalId: 'Fn',
    runtime: 'nodejs24.x',
    handler: 'index.handler',
    assetDir: '/tmp/asset.old',
    memoryMb: 128,
    timeoutSeconds: 3,
    tracing: 'PassThrough',
    environment: {},
    versions: new Set(['1']),
    versionCode: new Map([['1', { assetDir: '/tmp/asset.old' }]]),
    aliases: new Map([['live', '1']]),
    aliasRouting: new Map(),
    aliasDescriptions: new Map(),
    versionDescriptions: new Map(),
    asyncConfigs: new Map(),
  };
}

const canary = aliasDeployments(template('CodeDeployDefault.LambdaCanary10Percent5Minutes', true), 'Fn')[0]!
  .plan;

describe('shiftAlias', () => {
  const run = (f: LocalFunction, alarm: WatchedAlarm, plan = canary) => {
    const lines: string[] = [];
    const weights: unknown[] = [];
    const result = shiftAlias({
      fn: f,
      alias: 'live',
      fromVersion: '1',
      toVersion: publishVersion(f, {}),
      plan,
      alarms: [alarm],
      // 5 minutes → 100 ms.
      scaleMs: (minutes) => minutes * 20,
      bakeMs: 50,
      pollMs: 5,
      log: (line) => {
        lines.push(line);
        weights.push(f.aliasRouting.get('live') ?? f.aliases.get('live'));
      },
    });
    return { result, lines, weights };
  };

  it('takes the canary step, then 100%, while the alarms stay OK', async () => {
    const f = fn();
    const { result, weights } = run(f, { name: 'errors', state: () => ({ value: 'OK', reason: 'fine' }) });
    expect(await result).toEqual({ outcome: 'succeeded', percents: [10, 100] });
    expect(weights).toEqual([{ 2: 0.1 }, '2', '2']);
    expect(f.aliases.get('live')).toBe('2');
    expect(f.aliasRouting.has('live')).toBe(false);
  });

  it('rolls back to the old version at 100% when an alarm fires during the canary', async () => {
    const f = fn();
    const started = Date.now();
    const { result, lines } = run(f, {
      name: 'errors',
      state: () =>
        Date.now() - started > 30
          ? { value: 'ALARM', reason: 'Threshold Crossed' }
          : { value: 'OK', reason: '' },
    });
    const outcome = await result;
    expect(outcome).toMatchObject({ outcome: 'rolled-back', percents: [10] });
    expect(outcome.reason).toContain('alarm errors is in ALARM (Threshold Crossed)');
    expect(f.aliases.get('live')).toBe('1');
    expect(f.aliasRouting.has('live')).toBe(false);
    expect(lines.at(-1)).toContain('ROLLED BACK to version 1');
  });

  it('does not start while an alarm is already in ALARM, and ignores alarms when the group does', async () => {
    const firing: WatchedAlarm = { name: 'errors', state: () => ({ value: 'ALARM', reason: 'still' }) };
    const blocked = await run(fn(), firing).result;
    expect(blocked).toMatchObject({ outcome: 'rolled-back', percents: [] });
    const ignoring = { ...canary, watchAlarms: false };
    expect(await run(fn(), firing, ignoring).result).toEqual({ outcome: 'succeeded', percents: [10, 100] });
  });
});
