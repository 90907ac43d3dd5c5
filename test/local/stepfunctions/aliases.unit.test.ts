import { describe, expect, it } from 'vitest';
import { type AwsRequestContext, LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../../../local/core/aws-service.js';
import { StepFunctionsService } from '../../../local/stepfunctions/service.js';
import { fakeLambda, machine } from '../../helpers/local-stepfunctions.js';

const ctx: AwsRequestContext = { region: LOCAL_REGION, accountId: LOCAL_ACCOUNT_ID };
const QUICK = 'arn:aws:states:us-east-1:000000000000:stateMachine:Quick';

function service() {
  return new StepFunctionsService({
    lambda: fakeLambda({}).invoker,
    timeScale: 0.001,
    stateMachines: [
      machine({ StartAt: 'P', States: { P: { Type: 'Pass', Result: { ok: 1 }, End: true } } }, 'Quick'),
    ],
    qualifiedArns: new Map([
      [`${QUICK}:live`, QUICK],
      [`${QUICK}:1`, QUICK],
    ]),
  });
}

describe('local Step Functions: starting through a version or an alias', () => {
  it('runs the state machine an alias or version ARN names; the execution is the state machine’s', async () => {
    const sfn = service();
    for (const [qualifier, name] of [
      ['live', 'via-alias'],
      ['1', 'via-version'],
    ] as const) {
      const started = (await sfn.handle(
        'StartExecution',
        { stateMachineArn: `${QUICK}:${qualifier}`, name },
        ctx,
      )) as { executionArn: string };
      expect(started.executionArn).toBe(`${QUICK.replace(':stateMachine:', ':execution:')}:${name}`);
      expect((await sfn.waitForExecution(started.executionArn)).status).toBe('SUCCEEDED');
    }
  });

  it('refuses an alias the template does not define, as AWS does', async () => {
    await expect(
      service().handle('StartExecution', { stateMachineArn: `${QUICK}:nope`, name: 'x' }, ctx),
    ).rejects.toMatchObject({ code: 'StateMachineDoesNotExist' });
  });
});
