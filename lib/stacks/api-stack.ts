import { fileURLToPath } from 'node:url';
import { CfnOutput, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as appsync from 'aws-cdk-lib/aws-appsync';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { SALES_SUMMARY_TABLE_ENV } from '../../functions/analytics/read-model/sales-summary.js';
import { PRODUCT_VIEW_TABLE_ENV } from '../../functions/inventory/read-model/product-view.js';
import { typesOf } from '../../functions/kernel/events/catalogue.js';
import { SECURITY_COMMANDS_ENV } from '../../functions/kernel/graphql/audit.js';
import { GRAPHQL_URL_ENV } from '../../functions/kernel/graphql/iam-client.js';
import { ADMIN_ROLE_ARNS_ENV } from '../../functions/kernel/graphql/identity.js';
import { ORDER_VIEW_TABLE_ENV } from '../../functions/orders/read-model/order-view.js';
import { PAYMENT_VIEW_TABLE_ENV } from '../../functions/payments/read-model/payment-view.js';
import { PRODUCT_RATING_TABLE_ENV } from '../../functions/reviews/read-model/product-rating.js';
import { USER_PROFILE_TABLE_ENV } from '../../functions/users/read-model/user-profile.js';
import { type PlatformConfig, runtimeEnvironment } from '../config.js';
import { ApiRateLimit } from '../constructs/api-rate-limit.js';
import { type Subscription, SubscriptionTargets } from '../constructs/domain-event-bus.js';
import { ServiceDiscovery } from '../constructs/service-discovery.js';
import { ServiceFunction } from '../constructs/service-function.js';
import { acknowledgeApiLogsRole, SourceApi } from '../constructs/source-api.js';
import { functionDefaults } from './function-defaults.js';
import { dataRemovalPolicy } from './retention.js';
import type { ServiceStack } from './service-stack.js';
import { OperationsStack } from './services/operations-stack.js';

/** The services the API reads or commands. */
export type ApiServices = Record<
  'users' | 'inventory' | 'orders' | 'payments' | 'reviews' | 'analytics' | 'security' | 'operations',
  ServiceStack
>;

export interface ApiStackProps extends StackProps {
  readonly config: PlatformConfig;
  readonly services: ApiServices;
}

/** A source API: the service, the fields its resolver runs, the read models it reads, the Commands it calls. */
interface SourceSpec {
  readonly service: keyof ApiServices;
  readonly fields: readonly string[];
  readonly reads: readonly { readonly table: string; readonly env: string }[];
  readonly commands?: string;
  /** Rights the resolver needs beyond read models and Commands, granted by the owning stack. */
  readonly grant?: (resolver: ServiceFunction, owner: ServiceStack) => void;
}

const SOURCES: readonly SourceSpec[] = [
  {
    service: 'users',
    fields: ['Mutation.registerUser', 'Query.user', 'Order.customer'],
    reads: [{ table: 'UserProfile', env: USER_PROFILE_TABLE_ENV }],
    commands: 'USERS_COMMANDS_FUNCTION',
  },
  {
    service: 'inventory',
    fields: [
      'Query.products',
      'Query.productsPage',
      'Query.product',
      'Mutation.addProduct',
      'Mutation.restock',
    ],
    reads: [{ table: 'ProductView', env: PRODUCT_VIEW_TABLE_ENV }],
    commands: 'INVENTORY_COMMANDS_FUNCTION',
  },
  {
    service: 'orders',
    fields: [
      'Mutation.placeOrder',
      'Query.order',
      'Query.ordersByCustomer',
      'Query.ordersByCustomerPage',
      'Mutation.publishOrderUpdate',
      // Runs when a client subscribes: a customer subscribes to their own orders only.
      'Subscription.onOrderUpdated',
    ],
    reads: [{ table: 'OrderView', env: ORDER_VIEW_TABLE_ENV }],
    commands: 'ORDERS_COMMANDS_FUNCTION',
  },
  {
    service: 'payments',
    fields: ['Order.payment'],
    reads: [{ table: 'PaymentView', env: PAYMENT_VIEW_TABLE_ENV }],
  },
  {
    service: 'reviews',
    fields: ['Mutation.submitReview', 'Query.productReviews', 'Query.productReviewsPage', 'Product.rating'],
    reads: [{ table: 'ProductRating', env: PRODUCT_RATING_TABLE_ENV }],
    commands: 'REVIEWS_COMMANDS_FUNCTION',
  },
  {
    service: 'analytics',
    fields: ['Query.sagaStats'],
    reads: [{ table: 'SalesSummary', env: SALES_SUMMARY_TABLE_ENV }],
  },
  {
    service: 'operations',
    fields: ['Query.circuitBreakers', 'Query.platformMetrics'],
    reads: [],
    grant: (resolver, owner) => {
      if (!(owner instanceof OperationsStack))
        throw new Error('the operations API needs the operations stack');
      owner.grantOperationsRead(resolver);
    },
  },
];

const schemaFile = (service: string) =>
  fileURLToPath(new URL(`../../functions/${service}/schema.graphql`, import.meta.url));
const resolverEntry = (service: string) =>
  fileURLToPath(new URL(`../../functions/${service}/handlers/graphql.ts`, import.meta.url));

/**
 * The GraphQL API: a source API per service that owns data clients read (users, catalogue, orders,
 * payments, reviews, analytics), each with direct Lambda resolvers, composed by an AppSync Merged API
 * (AUTO_MERGE). People sign in with a Cognito user pool (groups admin and customer), services use IAM, and
 * the dev stage (and the local cloud) also takes an API key. Resolvers read the services' read models and
 * write only through their Commands functions (live aliases); denials are audited through security's.
 */
export class ApiStack extends Stack {
  public readonly userPool: cognito.UserPool;
  public readonly userPoolClient: cognito.UserPoolClient;
  public readonly sourceApis: Record<string, SourceApi> = {};
  public readonly resolvers: Record<string, ServiceFunction> = {};
  public readonly mergedApi: appsync.GraphqlApi;
  /** The WAF web ACL with a rate-based rule on every API (stages with `apiRateLimitPer5Minutes`: prod). */
  public readonly rateLimit?: ApiRateLimit;
  /** Orders' status changes to `onOrderUpdated` subscribers, through `publishOrderUpdate` as IAM. */
  public readonly orderUpdates: ServiceFunction;
  public readonly orderUpdatesSubscription: Subscription;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const { config, services } = props;
    const apiKey = config.stageDefaults.apiKeyEnabled;
    const prefix = `commerceforge-${config.stage}`;

    this.userPool = new cognito.UserPool(this, 'People', {
      userPoolName: `${prefix}-people`,
      selfSignUpEnabled: true,
      signInAliases: { email: true },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
      },
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      removalPolicy: dataRemovalPolicy(config),
    });
    // SRP for browsers; USER_PASSWORD_AUTH for the CLI and scripts (`aws cognito-idp initiate-auth`), and the
    // admin flow for operators' tools and tests signing a user in server-side with IAM credentials.
    this.userPoolClient = this.userPool.addClient('WebClient', {
      authFlows: { userSrp: true, userPassword: true, adminUserPassword: true },
    });
    for (const group of ['admin', 'customer']) {
      new cognito.CfnUserPoolGroup(this, `${group}Group`, {
        userPoolId: this.userPool.userPoolId,
        groupName: group,
        description: group === 'admin' ? 'Catalogue and stock administrators' : 'Shoppers',
      });
    }

    // Cognito is the default everywhere; the schemas' directives also allow IAM and (dev) the API key.
    const authorizationConfig: appsync.AuthorizationConfig = {
      defaultAuthorization: {
        authorizationType: appsync.AuthorizationType.USER_POOL,
        userPoolConfig: { userPool: this.userPool },
      },
      additionalAuthorizationModes: [
        { authorizationType: appsync.AuthorizationType.IAM },
        // No expiry given: AppSync's 7-day default. A fixed date expires, Expiration.after changes every synth.
        ...(apiKey ? [{ authorizationType: appsync.AuthorizationType.API_KEY }] : []),
      ],
    };
    const logRetention = config.stageDefaults.logRetentionDays as logs.RetentionDays;
    const limits = graphqlLimitsOf(config);
    const securityCommands = commandsOf(services.security);

    for (const spec of SOURCES) {
      const owner = services[spec.service];
      const resolver = new ServiceFunction(this, `${titleCase(spec.service)}Resolver`, {
        service: spec.service,
        entry: resolverEntry(spec.service),
        description: `GraphQL resolvers of the ${spec.service} source API`,
        ...functionDefaults(config),
        environment: {
          ...runtimeEnvironment(config),
          [SECURITY_COMMANDS_ENV]: securityCommands.alias.functionArn,
          // An IAM caller is an admin only when allow-listed: without the variable, none is.
          ...(config.adminRoleArns.length ? { [ADMIN_ROLE_ARNS_ENV]: config.adminRoleArns.join(',') } : {}),
        },
      });
      securityCommands.alias.grantInvoke(resolver.alias);
      for (const read of spec.reads) {
        const table = readModelOf(owner, read.table);
        grantViewRead(resolver, table, owner.readModelIndexes.get(table));
        resolver.function.addEnvironment(read.env, table.tableName);
      }
      spec.grant?.(resolver, owner);
      if (spec.commands) {
        const commands = commandsOf(owner);
        commands.alias.grantInvoke(resolver.alias);
        resolver.function.addEnvironment(spec.commands, commands.alias.functionArn);
      }
      this.resolvers[spec.service] = resolver;
      this.sourceApis[spec.service] = new SourceApi(this, `${titleCase(spec.service)}Api`, {
        name: `${prefix}-${spec.service}`,
        schemaFile: schemaFile(spec.service),
        resolver: resolver.alias,
        fields: spec.fields,
        authorizationConfig,
        apiKey,
        logRetention,
        limits,
      });
    }

    this.mergedApi = new appsync.GraphqlApi(this, 'MergedApi', {
      name: `${prefix}-commerce`,
      definition: appsync.Definition.fromSourceApis({
        sourceApis: Object.values(this.sourceApis).map((source) => ({
          sourceApi: source.api,
          mergeType: appsync.MergeType.AUTO_MERGE,
        })),
      }),
      authorizationConfig,
      logConfig: { fieldLogLevel: appsync.FieldLogLevel.ERROR, retention: logRetention },
      xrayEnabled: true,
      ...limits,
    });
    acknowledgeApiLogsRole(this.mergedApi);
    const rateLimit = config.stageDefaults.apiRateLimitPer5Minutes;
    if (rateLimit !== undefined) {
      // Every endpoint: a source API is reachable on its own, so it gets the same rate limit.
      this.rateLimit = new ApiRateLimit(this, 'RateLimit', {
        name: `${prefix}-api`,
        apis: [this.mergedApi, ...Object.values(this.sourceApis).map((source) => source.api)],
        limit: rateLimit,
      });
    }
    this.acknowledgeMergeRole();

    // onOrderUpdated: the subscriber of order events is this stack (the rule lives here, not in the
    // platform's or orders'); it calls the Merged API's IAM-only publishOrderUpdate, signed with SigV4.
    this.orderUpdates = new ServiceFunction(this, 'OrderUpdatesPublisher', {
      service: 'orders',
      entry: fileURLToPath(
        new URL('../../functions/orders/handlers/publish-order-update.ts', import.meta.url),
      ),
      description: 'Order status changes to onOrderUpdated subscribers (publishOrderUpdate, as IAM)',
      ...functionDefaults(config),
      environment: {
        ...runtimeEnvironment(config),
        [GRAPHQL_URL_ENV]: this.mergedApi.graphqlUrl,
      },
    });
    const orderView = readModelOf(services.orders, 'OrderView');
    grantViewRead(this.orderUpdates, orderView);
    this.orderUpdates.function.addEnvironment(ORDER_VIEW_TABLE_ENV, orderView.tableName);
    // appsync:GraphQL on Mutation.publishOrderUpdate of the Merged API, nothing else.
    this.mergedApi.grantMutation(this.orderUpdates.alias, 'publishOrderUpdate');
    this.orderUpdatesSubscription = services.orders.platform.bus.subscribe(this, 'OrderUpdatesRule', {
      description: 'Order status changes to the GraphQL subscription onOrderUpdated',
      eventPattern: {
        source: ['commerceforge.orders'],
        detailType: typesOf('orders'),
      },
      target: SubscriptionTargets.lambda(this.orderUpdates.alias),
    });
    this.acknowledgeLogRetention();

    // The URL and the user pool are what a client needs; the API key is never an output (read it from the
    // console or `aws appsync list-api-keys`).
    new CfnOutput(this, 'GraphQLUrl', { value: this.mergedApi.graphqlUrl });
    // Service discovery: the API's URL for tools and services, under /commerceforge/<stage>/api/.
    new ServiceDiscovery(this, 'Discovery', { stage: config.stage, service: 'api' }).publish(
      'graphql-url',
      this.mergedApi.graphqlUrl,
      { description: 'api: the Merged API GraphQL URL' },
    );
    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.userPoolClient.userPoolClientId });
  }

  /** CDK scopes the merge role to each source API's fields and each association: ARN suffixes cdk-nag flags. */
  private acknowledgeMergeRole(): void {
    const ids: string[] = [];
    for (const source of Object.values(this.sourceApis)) {
      const association = this.mergedApi.node.findChild(`${source.api.node.id}Association`);
      const logicalId = this.getLogicalId(association as appsync.CfnSourceApiAssociation);
      ids.push(`AwsSolutions-IAM5[Resource::<${logicalId}.SourceApiArn>/*]`);
    }
    const role = this.mergedApi.node.tryFindChild('MergedApiExecutionRole');
    if (role) {
      Validations.of(role).acknowledge(
        ...ids.map((id) => ({
          id,
          reason:
            'The Merged API runs every field of each source API it composes (appsync:SourceGraphQL on the source API and its fields, as CDK grants it).',
        })),
      );
    }
  }

  /** ASC3's logConfig retention is kept by CDK's LogRetention custom resource (a Lambda with AWS's policy). */
  private acknowledgeLogRetention(): void {
    for (const child of this.node.children) {
      if (!child.node.id.startsWith('LogRetention')) continue;
      Validations.of(child).acknowledge(
        {
          id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
          reason: "CDK's LogRetention custom resource writes its own logs with the basic execution role.",
        },
        {
          id: 'AwsSolutions-IAM5[Resource::*]',
          reason:
            "CDK's LogRetention custom resource sets retention on log groups AppSync names at run time.",
        },
        {
          id: 'AwsSolutions-L1',
          reason: "CDK's LogRetention custom resource runtime is chosen by aws-cdk-lib.",
        },
      );
    }
  }
}

/** The stage's GraphQL limits as AppSync takes them, on the Merged API and every source API alike. */
function graphqlLimitsOf(
  config: PlatformConfig,
): Pick<appsync.GraphqlApiProps, 'queryDepthLimit' | 'resolverCountLimit' | 'introspectionConfig'> {
  const { queryDepthLimit, resolverCountLimit, introspection } = config.stageDefaults.graphqlLimits;
  return {
    queryDepthLimit,
    resolverCountLimit,
    introspectionConfig: introspection
      ? appsync.IntrospectionConfig.ENABLED
      : appsync.IntrospectionConfig.DISABLED,
  };
}

function titleCase(name: string): string {
  return `${name[0]?.toUpperCase()}${name.slice(1)}`;
}

function commandsOf(stack: ServiceStack): ServiceFunction {
  const fn = stack.functions.Commands;
  if (!fn) throw new Error(`the API needs ${stack.service}'s Commands function`);
  return fn;
}

function readModelOf(stack: ServiceStack, name: string): dynamodb.Table {
  const table = stack.readModels[name];
  if (!table) throw new Error(`the API needs ${stack.service}'s ${name} read model`);
  return table;
}

/** Read-only access to a view (no `index/*`: only the table; an index is granted by name where needed). */
function grantViewRead(fn: ServiceFunction, table: dynamodb.Table, indexes: readonly string[] = []): void {
  fn.function.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:Scan'],
      resources: [table.tableArn, ...indexes.map((name) => `${table.tableArn}/index/${name}`)],
    }),
  );
}
