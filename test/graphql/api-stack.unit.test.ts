import { execFileSync } from 'node:child_process';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../bin/app.js';
import { loadConfig } from '../../lib/config.js';

/** The API stack as `cdk synth` builds it, per stage (bundling skipped). */
function apiTemplate(stage: 'dev' | 'prod', env: Record<string, string> = {}): Template {
  const app = buildApp(
    loadConfig({ STAGE: stage, ...env }),
    new App({ context: { 'aws:cdk:bundling-stacks': [] } }),
  );
  const stack = app.node.children.find(
    (c): c is Stack => c instanceof Stack && c.stackName === `CommerceForge-${stage}-Api`,
  );
  if (!stack) throw new Error('no Api stack');
  return Template.fromStack(stack);
}

let dev: Template;
let prod: Template;
beforeAll(() => {
  dev = apiTemplate('dev');
  prod = apiTemplate('prod');
}, 120_000);

const SERVICES = ['users', 'inventory', 'orders', 'payments', 'reviews', 'analytics', 'operations'];

describe('the API stack', () => {
  it('has a source API per service with its schema inline, and a Merged API over all of them (AUTO_MERGE)', () => {
    for (const service of SERVICES) {
      dev.hasResourceProperties('AWS::AppSync::GraphQLApi', {
        Name: `commerceforge-dev-${service}`,
        LogConfig: Match.objectLike({ FieldLogLevel: 'ERROR' }),
      });
    }
    dev.hasResourceProperties('AWS::AppSync::GraphQLApi', {
      Name: 'commerceforge-dev-commerce',
      ApiType: 'MERGED',
    });
    const schemas = dev.findResources('AWS::AppSync::GraphQLSchema');
    expect(Object.keys(schemas)).toHaveLength(SERVICES.length);
    for (const schema of Object.values(schemas)) expect(typeof schema.Properties.Definition).toBe('string');
    const associations = dev.findResources('AWS::AppSync::SourceApiAssociation');
    expect(Object.keys(associations)).toHaveLength(SERVICES.length);
    for (const association of Object.values(associations)) {
      expect(association.Properties.SourceApiAssociationConfig).toEqual({ MergeType: 'AUTO_MERGE' });
    }
  });

  it('creates each association after its source schema exists', () => {
    const schemas = dev.findResources('AWS::AppSync::GraphQLSchema');
    const associations = Object.values(dev.findResources('AWS::AppSync::SourceApiAssociation'));
    for (const schemaId of Object.keys(schemas)) {
      expect(associations.some((a) => (a.DependsOn ?? []).includes(schemaId))).toBe(true);
    }
  });

  it("lets the merge role run the source APIs' fields and start schema merges on the associations", () => {
    dev.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: 'appsync:SourceGraphQL' }),
          Match.objectLike({ Action: 'appsync:StartSchemaMerge' }),
        ]),
      },
    });
  });

  it("lets the orders resolver Query OrderView's customer index by name, not index/*", () => {
    dev.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: Match.arrayWith(['dynamodb:Query']),
            Resource: Match.arrayWith([
              Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith(['/index/byCustomer'])]) }),
            ]),
          }),
        ]),
      },
    });
  });

  it('resolves every field with a direct Lambda resolver (no mapping templates)', () => {
    const resolvers = Object.values(dev.findResources('AWS::AppSync::Resolver'));
    expect(resolvers).toHaveLength(22);
    for (const resolver of resolvers) {
      expect(resolver.Properties.RequestMappingTemplate).toBeUndefined();
      expect(resolver.Properties.ResponseMappingTemplate).toBeUndefined();
    }
    const fields = resolvers.map((r) => `${r.Properties.TypeName}.${r.Properties.FieldName}`);
    expect(new Set(fields).size).toBe(fields.length);
    expect(fields).toEqual(
      expect.arrayContaining([
        'Order.customer',
        'Order.payment',
        'Product.rating',
        'Query.productsPage',
        'Query.productReviewsPage',
        'Query.circuitBreakers',
        'Query.platformMetrics',
        // Runs when a client subscribes: the check that a customer subscribes to their own orders.
        'Subscription.onOrderUpdated',
      ]),
    );
  });

  it("gives the resolvers the stage's IAM admin allow-list, and none when it is empty", () => {
    const operator = 'arn:aws:iam::111122223333:role/commerceforge-operator';
    const withList = apiTemplate('prod', { ADMIN_ROLE_ARNS: operator });
    const resolvers = Object.values(withList.findResources('AWS::Lambda::Function')).filter((fn) =>
      String(fn.Properties.Description ?? '').startsWith('GraphQL resolvers of'),
    );
    expect(resolvers).toHaveLength(SERVICES.length);
    for (const fn of resolvers) expect(fn.Properties.Environment.Variables.ADMIN_ROLE_ARNS).toBe(operator);
    for (const fn of Object.values(dev.findResources('AWS::Lambda::Function'))) {
      expect(fn.Properties.Environment?.Variables?.ADMIN_ROLE_ARNS).toBeUndefined();
    }
  }, 60_000);

  it('signs people in with Cognito (groups admin and customer, MFA, threat protection) by default', () => {
    dev.hasResourceProperties('AWS::Cognito::UserPool', {
      MfaConfiguration: 'ON',
      Policies: { PasswordPolicy: Match.objectLike({ MinimumLength: 12 }) },
    });
    dev.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: 'admin' });
    dev.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: 'customer' });
    dev.hasResourceProperties('AWS::AppSync::GraphQLApi', {
      ApiType: 'MERGED',
      AuthenticationType: 'AMAZON_COGNITO_USER_POOLS',
    });
  });

  it('has an API key on dev only, never in an output; prod schemas name no API key mode', () => {
    expect(Object.keys(dev.findResources('AWS::AppSync::ApiKey')).length).toBeGreaterThan(0);
    expect(JSON.stringify(dev.toJSON().Outputs ?? {})).not.toMatch(/ApiKey/);
    expect(prod.findResources('AWS::AppSync::ApiKey')).toEqual({});
    for (const schema of Object.values(prod.findResources('AWS::AppSync::GraphQLSchema'))) {
      expect(schema.Properties.Definition).not.toContain('@aws_api_key');
    }
    prod.hasResourceProperties('AWS::AppSync::GraphQLApi', {
      ApiType: 'MERGED',
      AdditionalAuthenticationProviders: [{ AuthenticationType: 'AWS_IAM' }],
    });
  });
});

describe('npm run -s schema', () => {
  it("prints the merged SDL with the contract's types and operations", () => {
    const sdl = execFileSync('npx', ['tsx', 'scripts/schema.ts'], { encoding: 'utf8' });
    for (const needle of [
      'type User',
      'type Product',
      'type Order',
      'customer: User',
      'payment: Payment',
      'rating: Rating',
      'registerUser(input: RegisterUserInput!): User!',
      'placeOrder(input: PlaceOrderInput!): Order!',
      'ordersByCustomer(customerId: ID!)',
      'ordersByCustomerPage(customerId: ID!, limit: Int, nextToken: String): OrderPage!',
      'submitReview(input: SubmitReviewInput!): Review!',
      'productReviews(sku: ID!)',
      'productsPage(limit: Int, nextToken: String): ProductPage!',
      'productReviewsPage(sku: ID!, limit: Int, nextToken: String): ReviewPage!',
      'sagaStats',
      'circuitBreakers: [CircuitBreaker!]!',
      'platformMetrics(minutes: Int): PlatformMetrics!',
      'onOrderUpdated(id: ID!, customerId: ID)',
    ]) {
      expect(sdl).toContain(needle);
    }
  }, 60_000);
});
