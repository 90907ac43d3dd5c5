/**
 * Which functions of a synthesized app run in the background (local/lambda/background.ts): those only event
 * sources invoke. A small CDK app gives each kind of caller a function of its own.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { afterAll, describe, expect, it } from 'vitest';
import { readCloudAssembly } from '../../../local/assembly/cloud-assembly.js';
import { CloudModel } from '../../../local/assembly/model.js';
import {
  BACKGROUND_ENVIRONMENTS_ENV,
  BACKGROUND_NICE_ENV,
  backgroundEnvironments,
  backgroundFunctions,
  backgroundNice,
} from '../../../local/lambda/background.js';

const outdir = mkdtempSync(path.join(tmpdir(), 'background-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

function synthesize(): CloudModel {
  const app = new App({ outdir });
  const stack = new Stack(app, 'BackgroundStack');
  const fn = (id: string) =>
    new lambda.Function(stack, id, {
      functionName: id,
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => 1;'),
    });
  const rule = new events.Rule(stack, 'Rule', { eventPattern: { source: ['test'] } });

  const projector = fn('Projector'); // a queue's event source mapping only
  projector.addEventSource(new SqsEventSource(new sqs.Queue(stack, 'Queue')));
  rule.addTarget(new targets.LambdaFunction(fn('OnEvent'))); // a rule only
  const commands = fn('Commands'); // a rule, and a role that may invoke it
  rule.addTarget(new targets.LambdaFunction(commands));
  commands.grantInvoke(
    new iam.Role(stack, 'Caller', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') }),
  );
  const step = fn('Step'); // a rule, and a state machine's task
  rule.addTarget(new targets.LambdaFunction(step));
  new sfn.StateMachine(stack, 'Machine', {
    definitionBody: sfn.DefinitionBody.fromChainable(
      new tasks.LambdaInvoke(stack, 'Invoke', { lambdaFunction: step }),
    ),
  });
  const provider = fn('Provider'); // a rule, and a function URL
  rule.addTarget(new targets.LambdaFunction(provider));
  provider.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.AWS_IAM });
  fn('ByHand'); // nothing invokes it
  app.synth();
  return new CloudModel(readCloudAssembly(outdir), {
    accountId: '000000000000',
    region: 'us-east-1',
    endpoint: 'http://localhost:1',
  });
}

describe('background functions', () => {
  it('are those only event sources invoke: not what a role, a state machine or a URL caller waits on', () => {
    const names = ['Projector', 'OnEvent', 'Commands', 'Step', 'Provider', 'ByHand'];
    expect([...backgroundFunctions(synthesize(), names)].sort()).toEqual(['OnEvent', 'Projector']);
  });

  it(`run at nice 10 unless ${BACKGROUND_NICE_ENV} says otherwise, from 0 to 19`, () => {
    expect(backgroundNice({})).toBe(10);
    expect(backgroundNice({ [BACKGROUND_NICE_ENV]: '0' })).toBe(0);
    expect(backgroundNice({ [BACKGROUND_NICE_ENV]: '19' })).toBe(19);
    expect(() => backgroundNice({ [BACKGROUND_NICE_ENV]: '-5' })).toThrow(/from 0 to 19/);
    expect(() => backgroundNice({ [BACKGROUND_NICE_ENV]: 'high' })).toThrow(/from 0 to 19/);
  });

  it(`keep one environment each unless ${BACKGROUND_ENVIRONMENTS_ENV} says otherwise, from 1 to 16`, () => {
    expect(backgroundEnvironments({})).toBe(1);
    expect(backgroundEnvironments({ [BACKGROUND_ENVIRONMENTS_ENV]: '2' })).toBe(2);
    expect(() => backgroundEnvironments({ [BACKGROUND_ENVIRONMENTS_ENV]: '0' })).toThrow(/from 1 to 16/);
    expect(() => backgroundEnvironments({ [BACKGROUND_ENVIRONMENTS_ENV]: 'many' })).toThrow(/from 1 to 16/);
  });
});
