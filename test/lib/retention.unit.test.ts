import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../bin/app.js';
import { loadConfig, type Stage } from '../../lib/config.js';
import { PaymentsStack } from '../../lib/stacks/services/payments-stack.js';

/**
 * The configuration says prod keeps its data (`stageDefaults.retainData`): every table, queue, log group and
 * key of the app survives `cdk destroy` there, and every table is protected from deletion; dev's go with the
 * stack. Checked over every stack of the app users deploy, so a table or queue added without the stage's
 * policy fails here.
 */
interface Synthesized {
  readonly app: App;
  readonly templates: ReadonlyMap<string, Template>;
}

function synth(stage: Stage): Synthesized {
  const app = buildApp(loadConfig({ STAGE: stage }), new App({ context: { 'aws:cdk:bundling-stacks': [] } }));
  const stacks = app.node.children.filter((c): c is Stack => c instanceof Stack);
  return { app, templates: new Map(stacks.map((s) => [s.stackName, Template.fromStack(s)])) };
}

/** Every resource of `type` in the app, with the name of its stack. */
function resourcesOf(synthesized: Synthesized, type: string) {
  return [...synthesized.templates].flatMap(([stack, template]) =>
    Object.entries(template.findResources(type)).map(([id, resource]) => ({ stack, id, resource })),
  );
}

const STATEFUL = ['AWS::DynamoDB::Table', 'AWS::SQS::Queue', 'AWS::Logs::LogGroup', 'AWS::Events::Archive'];

describe.each([
  ['prod', 'Retain', true],
  ['dev', 'Delete', false],
] as const)('data retention in %s', (stage, policy, protectedTables) => {
  let synthesized: Synthesized;
  beforeAll(() => {
    synthesized = synth(stage);
  });

  it.each(STATEFUL)(`%s: DeletionPolicy ${policy} everywhere`, (type) => {
    const found = resourcesOf(synthesized, type);
    expect(found.length).toBeGreaterThan(0);
    const others = found.filter(({ resource }) => resource.DeletionPolicy !== policy);
    expect(others.map(({ stack, id }) => `${stack}/${id}`)).toEqual([]);
  });

  it(`every table: deletion protection ${protectedTables ? 'on' : 'off'}`, () => {
    const tables = resourcesOf(synthesized, 'AWS::DynamoDB::Table');
    // event stores and idempotency tables of the services, their read models, the token vault
    expect(tables.length).toBeGreaterThan(20);
    for (const { stack, id, resource } of tables) {
      expect([`${stack}/${id}`, resource.Properties.DeletionProtectionEnabled ?? false]).toEqual([
        `${stack}/${id}`,
        protectedTables,
      ]);
    }
  });

  it('the alarm topic key goes with the stage too', () => {
    const keys = resourcesOf(synthesized, 'AWS::KMS::Key');
    expect(keys.map(({ resource }) => resource.DeletionPolicy)).toEqual([policy]);
  });
});

describe('the payment-token vault', () => {
  let synthesized: Synthesized;
  let payments: PaymentsStack;
  beforeAll(() => {
    synthesized = synth('dev');
    payments = synthesized.app.node.children.find((c): c is PaymentsStack => c instanceof PaymentsStack)!;
  });
  const logicalId = (stack: Stack, element: unknown) => stack.getLogicalId(element as CfnElement);

  it('expires tokens (TTL), keeps no backups and no stream, is encrypted', () => {
    const template = synthesized.templates.get(payments.stackName)!;
    const vault =
      template.findResources('AWS::DynamoDB::Table')[
        logicalId(payments, payments.tokenVault.node.defaultChild)
      ];
    expect(vault?.Properties).toMatchObject({
      KeySchema: [{ AttributeName: 'orderId', KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: false },
      SSESpecification: { SSEEnabled: true },
    });
    expect(vault?.Properties.StreamSpecification).toBeUndefined();
  });

  it("lets orders' PlaceOrder put and delete (never read), and payments' charge read and delete", () => {
    const vaultArn = {
      'Fn::GetAtt': [logicalId(payments, payments.tokenVault.node.defaultChild), 'Arn'],
    };
    const paymentsPolicies = synthesized.templates.get(payments.stackName)!;
    paymentsPolicies.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          { Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:DeleteItem'], Resource: vaultArn },
        ]),
      },
    });
    const orders = synthesized.templates.get('CommerceForge-dev-Orders')!;
    const vaultStatements = Object.values(orders.findResources('AWS::IAM::Policy'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as { Action: unknown; Resource: unknown }[])
      .filter((s) => JSON.stringify(s.Resource).includes('PaymentTokenVault'));
    expect(vaultStatements.map((s) => s.Action)).toEqual([['dynamodb:PutItem', 'dynamodb:DeleteItem']]);
    // Orders finds the vault through service discovery, not an environment variable from payments' stack.
    const discovery = Object.values(orders.findResources('AWS::IAM::Policy'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as { Action: unknown; Resource: unknown }[])
      .filter((s) =>
        JSON.stringify(s.Resource).includes(':parameter/commerceforge/dev/payments/token-vault/table-name'),
      );
    expect(discovery.map((s) => s.Action)).toEqual([['ssm:GetParameter', 'ssm:GetParameters']]);
    expect(JSON.stringify(orders.findResources('AWS::Lambda::Function'))).not.toContain(
      'PAYMENT_TOKEN_VAULT_TABLE',
    );
  });

  it('logs every saga state transition without execution data (no addresses in logs)', () => {
    const sagas = synthesized.templates.get('CommerceForge-dev-Sagas')!;
    sagas.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      LoggingConfiguration: Match.objectLike({ Level: 'ALL', IncludeExecutionData: false }),
    });
  });
});
