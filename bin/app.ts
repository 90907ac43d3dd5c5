#!/usr/bin/env node
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Stack, Tags, Validations } from 'aws-cdk-lib';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ConfigError, loadConfig, type PlatformConfig } from '../lib/config.js';
import { StackMonitoring } from '../lib/constructs/monitoring/stack-monitoring.js';
import { ServiceFunction } from '../lib/constructs/service-function.js';
import { StackDeployments } from '../lib/constructs/stack-deployments.js';
import { ApiStack } from '../lib/stacks/api-stack.js';
import { ChaosStack } from '../lib/stacks/chaos-stack.js';
import { ObservabilityStack } from '../lib/stacks/observability-stack.js';
import { PlatformStack } from '../lib/stacks/platform-stack.js';
import { dataRemovalPolicy } from '../lib/stacks/retention.js';
import { SagasStack } from '../lib/stacks/sagas-stack.js';
import { SandboxStack } from '../lib/stacks/sandbox-stack.js';
import type { ServiceStack, ServiceStackProps } from '../lib/stacks/service-stack.js';
import { AnalyticsStack } from '../lib/stacks/services/analytics-stack.js';
import { InventoryStack } from '../lib/stacks/services/inventory-stack.js';
import { NotificationsStack } from '../lib/stacks/services/notifications-stack.js';
import { OperationsStack } from '../lib/stacks/services/operations-stack.js';
import { OrdersStack } from '../lib/stacks/services/orders-stack.js';
import { PaymentsStack } from '../lib/stacks/services/payments-stack.js';
import { ReviewsStack } from '../lib/stacks/services/reviews-stack.js';
import { SecurityStack } from '../lib/stacks/services/security-stack.js';
import { ShippingStack } from '../lib/stacks/services/shipping-stack.js';
import { UsersStack } from '../lib/stacks/services/users-stack.js';

/** Every bounded context, each in its own stack. */
export const SERVICE_STACKS: Record<
  string,
  new (
    scope: App,
    id: string,
    props: ServiceStackProps,
  ) => ServiceStack
> = {
  Users: UsersStack,
  Inventory: InventoryStack,
  Orders: OrdersStack,
  Payments: PaymentsStack,
  Shipping: ShippingStack,
  Notifications: NotificationsStack,
  Analytics: AnalyticsStack,
  Reviews: ReviewsStack,
  Security: SecurityStack,
  Operations: OperationsStack,
};

/** Builds every stack of CommerceForge for one stage. Exported so tests synthesize exactly what users deploy. */
export function buildApp(config: PlatformConfig, app = new App()): App {
  const env =
    config.account || config.region ? { account: config.account, region: config.region } : undefined;
  const prefix = `CommerceForge-${config.stage}`;

  const platform = new PlatformStack(app, `${prefix}-Platform`, {
    config,
    env,
    description: 'CommerceForge platform: domain event bus, archive, schema registry, alarms',
  });
  // The sandbox payment provider and carrier the adapters call unless a real one is configured.
  if (!config.providers.paymentProvider.url || !config.providers.carrier.url) {
    new SandboxStack(app, `${prefix}-Sandbox`, {
      config,
      env,
      description: 'CommerceForge sandbox payment provider and carrier, switched by SSM mode parameters',
    });
  }
  const services: Record<string, ServiceStack> = {};
  for (const [name, ServiceStackClass] of Object.entries(SERVICE_STACKS)) {
    services[name] = new ServiceStackClass(app, `${prefix}-${name}`, {
      config,
      platform,
      env,
      description: `CommerceForge ${name.toLowerCase()} service`,
    });
  }
  const service = (name: string): ServiceStack => {
    const stack = services[name];
    if (!stack) throw new Error(`the sagas need the ${name} service stack`);
    return stack;
  };
  // PlaceOrder leaves the order's payment token in payments' vault, for the charge (never in an event).
  const payments = service('Payments');
  const placeOrder = service('Orders').functions.Commands;
  if (!(payments instanceof PaymentsStack) || !placeOrder) {
    throw new Error("orders' Commands need payments' token vault");
  }
  payments.grantTokenDeposit(placeOrder);
  // After the services: the sagas invoke their commands (the services never reference the sagas).
  const sagas = new SagasStack(app, `${prefix}-Sagas`, {
    config,
    platform,
    env,
    services: {
      inventory: service('Inventory'),
      payments: service('Payments'),
      shipping: service('Shipping'),
      orders: service('Orders'),
    },
    description: 'CommerceForge sagas: order fulfillment (Step Functions), started by OrderPlaced',
  });

  // After the services: the GraphQL API reads their views and invokes their commands.
  new ApiStack(app, `${prefix}-Api`, {
    config,
    env,
    services: {
      users: service('Users'),
      inventory: service('Inventory'),
      orders: service('Orders'),
      payments: service('Payments'),
      reviews: service('Reviews'),
      analytics: service('Analytics'),
      security: service('Security'),
      operations: service('Operations'),
    },
    description: 'CommerceForge GraphQL: a source API per service composed by an AppSync Merged API',
  });

  // Last, when every resource exists: a dashboard in every stack (a stack added above gets one too), then
  // the overview.
  const monitored = app.node.children.filter((c): c is Stack => c instanceof Stack);
  // Every live alias deployed by CodeDeploy (before the dashboards, which then watch the hooks too); a
  // service's Commands get a pre-traffic smoke test: an empty request, which they refuse before any write.
  for (const stack of monitored) {
    const commands = Object.values(services).includes(stack as ServiceStack)
      ? (stack as ServiceStack).functions.Commands
      : undefined;
    new StackDeployments(stack, 'Deployments', {
      strategy: config.deployment.strategy,
      thresholds: config.deployment.alarms,
      smokeTests: commands ? [{ function: commands, acceptedErrors: ['ValidationError'] }] : [],
      alarmTopic: platform.alarmTopic,
      hookDefaults: {
        logLevel: config.logLevel,
        tracing: config.tracing.enabled,
        // RetentionDays' values are the days themselves.
        logRetention: config.stageDefaults.logRetentionDays as RetentionDays,
        removalPolicy: dataRemovalPolicy(config),
      },
    });
  }
  for (const stack of monitored) {
    new StackMonitoring(stack, 'Monitoring', { alarmTopic: platform.alarmTopic });
  }
  const observability = new ObservabilityStack(app, `${prefix}-Observability`, {
    config,
    platform,
    env,
    orderFulfillment: sagas.orderFulfillment,
    orderCommands: placeOrder,
    logGroups: monitored.flatMap((stack) =>
      stack.node
        .findAll()
        .filter((c): c is ServiceFunction => c instanceof ServiceFunction)
        .map((fn) => fn.logGroup),
    ),
    serviceDashboards: monitored.map((stack) => stack.stackName),
    services: [...Object.values(services).map((stack) => stack.service), 'saga'],
    description:
      'CommerceForge observability: overview dashboard, SLO alarms, saved log queries, X-Ray group',
  });

  // Last: it reads the SLO alarms, and reaches into the participating functions' own stacks without a reference.
  if (config.chaos.enabled) {
    const sandbox = app.node.tryFindChild(`${prefix}-Sandbox`);
    const chaos = new ChaosStack(app, `${prefix}-Chaos`, {
      config,
      env,
      sloAlarms: observability.sloAlarms,
      reportDashboardArns: [observability.facade.createdDashboard()?.dashboardArn].filter(
        (arn): arn is string => arn !== undefined,
      ),
      participants: {
        payments: payments.functions.Commands,
        inventory: service('Inventory').functions.Commands,
        'analytics-projector': service('Analytics').functions.Projector,
        ...(sandbox instanceof SandboxStack ? { carrier: sandbox.functions.carrier } : {}),
      },
      description:
        'CommerceForge chaos: FIS experiment templates (the catalogue), their role, log and reports, the chaos monkey',
    });
    // Its dashboard too (the monkey's state machine): created after the SLO alarms it reads.
    new StackMonitoring(chaos, 'Monitoring', { alarmTopic: platform.alarmTopic });
  }

  Tags.of(app).add('project', 'commerceforge');
  Tags.of(app).add('stage', config.stage);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return app;
}

function main(): void {
  let config: PlatformConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      // One line, naming the key and what is allowed: the acceptance of a wrong configuration.
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  buildApp(config).synth();
}

// Run only as the CDK app, not when a test imports buildApp.
if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) main();
