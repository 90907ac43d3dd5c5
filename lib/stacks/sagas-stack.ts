import { fileURLToPath } from 'node:url';
import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { detailTypes } from '../../functions/kernel/events/catalogue.js';
import {
  ORDER_FULFILLMENT_SAGA,
  ORDER_FULFILLMENT_TIMEOUT,
  orderFulfillmentSteps,
} from '../../statemachines/order-fulfillment.js';
import type { PlatformConfig } from '../config.js';
import { runtimeEnvironment } from '../config.js';
import { Saga } from '../constructs/saga/index.js';
import { ServiceFunction } from '../constructs/service-function.js';
import { functionDefaults } from './function-defaults.js';
import type { PlatformStack } from './platform-stack.js';
import { publisherRoleName } from './publishers.js';
import type { ServiceStack } from './service-stack.js';

/** The service stacks whose command functions the sagas invoke. */
export interface SagaServices {
  readonly inventory: ServiceStack;
  readonly payments: ServiceStack;
  readonly shipping: ServiceStack;
  readonly orders: ServiceStack;
}

export interface SagasStackProps extends StackProps {
  readonly config: PlatformConfig;
  readonly platform: PlatformStack;
  readonly services: SagaServices;
}

const planEntry = fileURLToPath(
  new URL('../../functions/order-fulfillment/handlers/plan.ts', import.meta.url),
);

/**
 * The orchestrated sagas, in a stack of their own: it references the services' `Commands` aliases, the
 * services never reference it, so no dependency cycle (and a service deploys without the saga).
 *
 * Order fulfillment (statemachines/order-fulfillment.ts): started through the saga's starter by every
 * OrderPlaced on the bus, one execution per order (the execution name is the orderId).
 */
export class SagasStack extends Stack {
  public readonly orderFulfillment: Saga;
  /** PlanFulfillment: the saga's first step (whose compensation cancels the order). */
  public readonly planFunction: ServiceFunction;

  constructor(scope: Construct, id: string, props: SagasStackProps) {
    super(scope, id, props);
    const { config, platform, services } = props;
    const defaults = functionDefaults(config);

    this.planFunction = new ServiceFunction(this, 'PlanFulfillment', {
      service: 'saga',
      entry: planEntry,
      description: 'Order fulfillment saga, first step: the plan (ids, stock lines) the other steps follow',
      ...defaults,
      environment: runtimeEnvironment(config),
    });
    // The plan reads the order from the orders store (read-only), never from the event that started the saga.
    services.orders.store.grantRead(this.planFunction);

    const commands = (stack: ServiceStack) => {
      const fn = stack.functions.Commands;
      if (!fn) throw new Error(`${stack.stackName} has no Commands function for the sagas to invoke`);
      return fn.alias;
    };
    this.orderFulfillment = new Saga(this, 'OrderFulfillment', {
      sagaName: ORDER_FULFILLMENT_SAGA,
      steps: orderFulfillmentSteps({
        plan: this.planFunction.alias,
        inventory: commands(services.inventory),
        payments: commands(services.payments),
        shipping: commands(services.shipping),
        orders: commands(services.orders),
      }),
      eventBus: platform.bus.eventBus,
      businessKeyPath: '$.data.orderId',
      timeout: ORDER_FULFILLMENT_TIMEOUT,
      environment: runtimeEnvironment(config),
      logRetention: defaults.logRetention,
      removalPolicy: defaults.removalPolicy,
      alarmTopic: platform.alarmTopic,
      roleName: publisherRoleName(config.stage, 'saga'),
      deploymentStrategy: config.deployment.strategy,
    });
    this.orderFulfillment.startOn(platform.bus, 'StartOnOrderPlaced', {
      eventPattern: { source: ['commerceforge.orders'], detailType: detailTypes('OrderPlaced') },
      description: 'OrderPlaced starts the order fulfillment saga (one execution per orderId)',
    });
  }
}
