/**
 * Service discovery at synth: the ServiceDiscovery construct on its own (names, patterns, exact grants), then
 * the app: every service stack publishes under its own path, the sandbox serves two IAM-only function URLs
 * with their mode and URL parameters, and payments and shipping may call exactly their provider and read
 * exactly its URL — or, with a configured provider, neither.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../bin/app.js';
import { DiscoveryError } from '../../functions/kernel/discovery-names.js';
import { loadConfig } from '../../lib/config.js';
import { ServiceDiscovery } from '../../lib/constructs/service-discovery.js';

const stacksOf = (app: App) => app.node.children.filter((c): c is Stack => c instanceof Stack);
const appFor = (env: Record<string, string> = {}) =>
  buildApp(loadConfig({ STAGE: 'dev', ...env }), new App({ context: { 'aws:cdk:bundling-stacks': [] } }));
const templateOf = (app: App, suffix: string) => {
  const stack = stacksOf(app).find((s) => s.stackName.endsWith(`-${suffix}`));
  if (!stack) throw new Error(`no ${suffix} stack`);
  return Template.fromStack(stack);
};

/** Every statement of every IAM policy in the template, flattened. */
function statements(template: Template): { Action: string | string[]; Resource: unknown }[] {
  return Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
    (policy) => policy.Properties.PolicyDocument.Statement,
  );
}
const actions = (s: { Action: string | string[] }) => [s.Action].flat();

describe('ServiceDiscovery', () => {
  it('publishes /commerceforge/<stage>/<service>/<name> as a String parameter, with its allowed pattern', () => {
    const stack = new Stack();
    const discovery = new ServiceDiscovery(stack, 'Discovery', { stage: 'dev', service: 'orders' });
    discovery.publish('commands/function-arn', 'arn:aws:lambda:eu-west-1:123456789012:function:f:live');
    discovery.publish('mode', 'ok', { allowedPattern: '^(ok|outage)$' });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::SSM::Parameter', {
      Name: '/commerceforge/dev/orders/commands/function-arn',
      Type: 'String',
    });
    template.hasResourceProperties('AWS::SSM::Parameter', {
      Name: '/commerceforge/dev/orders/mode',
      AllowedPattern: '^(ok|outage)$',
    });
    expect(() => discovery.publish('mode', 'again')).toThrow('already publishes');
    expect(() => discovery.publish('Bad Name', 'x')).toThrow(DiscoveryError);
  });

  it('grants ssm:GetParameter(s) on the exact parameters read, no wildcard', () => {
    const stack = new Stack();
    const role = new iam.Role(stack, 'Reader', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    });
    ServiceDiscovery.grantRead(role, stack, 'dev', 'sandbox', ['carrier/url']);
    const [statement] = statements(Template.fromStack(stack));
    expect(actions(statement!)).toEqual(['ssm:GetParameter', 'ssm:GetParameters']);
    expect(JSON.stringify(statement!.Resource)).toContain(
      ':parameter/commerceforge/dev/sandbox/carrier/url"',
    );
    expect(JSON.stringify(statement!.Resource)).not.toContain('*');
  });
});

describe('discovery and the sandbox in the app', () => {
  let app: App;
  beforeAll(() => {
    app = appFor();
  });

  it('has every service publish under its own path', () => {
    for (const [stack, service] of [
      ['Users', 'users'],
      ['Inventory', 'inventory'],
      ['Orders', 'orders'],
      ['Payments', 'payments'],
      ['Shipping', 'shipping'],
      ['Notifications', 'notifications'],
      ['Analytics', 'analytics'],
      ['Reviews', 'reviews'],
      ['Security', 'security'],
    ]) {
      const names = Object.values(templateOf(app, stack!).findResources('AWS::SSM::Parameter')).map(
        (p) => p.Properties.Name as string,
      );
      expect(names.length, stack).toBeGreaterThan(0);
      for (const name of names) expect(name.startsWith(`/commerceforge/dev/${service}/`), name).toBe(true);
    }
    templateOf(app, 'Api').hasResourceProperties('AWS::SSM::Parameter', {
      Name: '/commerceforge/dev/api/graphql-url',
      Value: { 'Fn::GetAtt': [Match.anyValue(), 'GraphQLUrl'] },
    });
    templateOf(app, 'Orders').hasResourceProperties('AWS::SSM::Parameter', {
      Name: '/commerceforge/dev/orders/commands/function-arn',
      Value: { Ref: Match.stringLikeRegexp('Live') },
    });
  });

  it('serves the sandbox provider and carrier on IAM-only function URLs, each with its mode (ok) and URL', () => {
    const sandbox = templateOf(app, 'Sandbox');
    const urls = Object.values(sandbox.findResources('AWS::Lambda::Url'));
    expect(urls).toHaveLength(2);
    for (const url of urls) expect(url.Properties).toMatchObject({ AuthType: 'AWS_IAM', Qualifier: 'live' });
    for (const provider of ['payment-provider', 'carrier']) {
      sandbox.hasResourceProperties('AWS::SSM::Parameter', {
        Name: `/commerceforge/dev/sandbox/${provider}/mode`,
        Value: 'ok',
        AllowedPattern: '^(ok|outage|slow)$',
      });
      sandbox.hasResourceProperties('AWS::SSM::Parameter', {
        Name: `/commerceforge/dev/sandbox/${provider}/url`,
        Value: { 'Fn::GetAtt': [Match.anyValue(), 'FunctionUrl'] },
      });
      sandbox.hasResourceProperties('AWS::Lambda::Function', {
        FunctionName: `commerceforge-dev-sandbox-${provider}`,
        Environment: { Variables: Match.objectLike({ SANDBOX_PROVIDER: provider }) },
      });
    }
  });

  it.each([
    ['Payments', 'payment-provider'],
    ['Shipping', 'carrier'],
  ])('lets %s call exactly its provider (%s) and read exactly its URL', (stack, provider) => {
    const all = statements(templateOf(app, stack!));
    const invoke = all.filter((s) => actions(s).includes('lambda:InvokeFunctionUrl'));
    expect(invoke).toHaveLength(1);
    expect(JSON.stringify(invoke[0]!.Resource)).toContain(
      `:function:commerceforge-dev-sandbox-${provider}:live"`,
    );
    const reads = all.filter((s) => actions(s).includes('ssm:GetParameter'));
    expect(reads.map((s) => JSON.stringify(s.Resource))).toEqual([
      expect.stringContaining(`:parameter/commerceforge/dev/sandbox/${provider}/url"`),
    ]);
  });

  it('with a configured provider, sets its URL and timeout and grants no sandbox call', () => {
    const configured = appFor({
      PAYMENT_PROVIDER_URL: 'https://pay.example.com/',
      PAYMENT_PROVIDER_TIMEOUT_MS: '1500',
    });
    const payments = templateOf(configured, 'Payments');
    payments.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          PAYMENT_PROVIDER_URL: 'https://pay.example.com/',
          PAYMENT_PROVIDER_TIMEOUT_MS: '1500',
        }),
      },
    });
    expect(statements(payments).some((s) => actions(s).includes('lambda:InvokeFunctionUrl'))).toBe(false);
  });

  it('refuses a provider URL that is not https', () => {
    expect(() => loadConfig({ PAYMENT_PROVIDER_URL: 'http://pay.example.com/' })).toThrow(
      'PAYMENT_PROVIDER_URL',
    );
  });
});
