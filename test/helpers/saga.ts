import { fileURLToPath } from 'node:url';
import { App, type CfnElement, Duration, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { Construct } from 'constructs';
import { Saga, type SagaProps } from '../../lib/constructs/saga/index.js';
import { sagaEventRequestSchema } from '../../lib/constructs/saga/runtime/contract.js';
import { buildSagaEvent } from '../../lib/constructs/saga/runtime/saga-events.js';
import { ServiceFunction } from '../../lib/constructs/service-function.js';
import { CloudModel } from '../../local/assembly/model.js';
import type { CfnTemplate } from '../../local/assembly/template.js';
import type { LambdaInvokeResult, LambdaInvoker } from '../../local/core/aws-service.js';
import {
  type LocalStateMachine,
  StepFunctionsService,
  stateMachinesOf,
} from '../../local/stepfunctions/index.js';
import type { PutEventsEntry } from '../../local/stepfunctions/tasks.js';

export const STACK = 'Fulfillment';
const entry = fileURLToPath(new URL('../fixtures/handlers/echo.ts', import.meta.url));

/** The services the example saga calls: one command function each, invoked through its `live` alias. */
export const SERVICES = ['inventory', 'payments', 'shipping', 'orders'] as const;
export type ServiceName = (typeof SERVICES)[number];

const command = (type: string, data: Record<string, unknown>, step: string) => ({
  command: { type, data },
  // A retried or redelivered step carries the same id: the service's idempotency absorbs it.
  'commandId.$': `States.Format('{}:${step}', $.saga.sagaId)`,
});

/**
 * The order fulfillment saga, declared as its wiring will declare it: reserve stock → charge payment → create
 * shipment → confirm order. Payloads are the services' command invocations built from the saga state.
 */
export function orderFulfillmentSteps(fns: Record<ServiceName, ServiceFunction>): SagaProps['steps'] {
  return [
    {
      name: 'ReserveStock',
      action: fns.inventory.alias,
      payload: command(
        'ReserveStock',
        { 'orderId.$': '$.input.orderId', 'items.$': '$.input.items' },
        'ReserveStock',
      ),
      compensation: {
        function: fns.inventory.alias,
        payload: command('ReleaseStock', { 'orderId.$': '$.input.orderId' }, 'ReleaseStock'),
      },
    },
    {
      name: 'ChargePayment',
      action: fns.payments.alias,
      payload: command(
        'ChargePayment',
        {
          'orderId.$': '$.input.orderId',
          'amount.$': '$.input.total',
          'paymentToken.$': '$.input.paymentToken',
          'reservationId.$': '$.results.ReserveStock.reservationId',
        },
        'ChargePayment',
      ),
      // The provider's outage is retryable; a decline is not (it compensates at once).
      retry: {
        errors: ['ProviderUnavailableError'],
        maxAttempts: 3,
        interval: Duration.seconds(2),
        backoffRate: 2,
        maxDelay: Duration.seconds(20),
      },
      timeout: Duration.seconds(30),
      compensation: {
        function: fns.payments.alias,
        payload: command(
          'RefundPayment',
          { 'orderId.$': '$.input.orderId', 'paymentId.$': '$.results.ChargePayment.paymentId' },
          'RefundPayment',
        ),
      },
    },
    {
      name: 'CreateShipment',
      action: fns.shipping.alias,
      payload: command(
        'CreateShipment',
        { 'orderId.$': '$.input.orderId', 'address.$': '$.input.shippingAddress' },
        'CreateShipment',
      ),
      compensation: {
        function: fns.shipping.alias,
        payload: command('CancelShipment', { 'orderId.$': '$.input.orderId' }, 'CancelShipment'),
      },
    },
    {
      name: 'ConfirmOrder',
      action: fns.orders.alias,
      payload: command('ConfirmOrder', { 'orderId.$': '$.input.orderId' }, 'ConfirmOrder'),
    },
  ];
}

/** The four services' command functions (echo handlers: bundling is skipped), in `scope`. */
export function serviceFunctions(scope: Construct): Record<ServiceName, ServiceFunction> {
  return Object.fromEntries(
    SERVICES.map((service) => [
      service,
      new ServiceFunction(scope, `${service}Commands`, { service, entry }),
    ]),
  ) as Record<ServiceName, ServiceFunction>;
}

export interface FulfillmentStack {
  readonly app: App;
  readonly stack: Stack;
  readonly saga: Saga;
  readonly bus: events.EventBus;
  readonly functions: Record<ServiceName, ServiceFunction>;
}

/** A stack with the bus, the four service functions and the saga; cdk-nag checks it at synth when `nag`. */
export function fulfillmentStack(
  options: { nag?: boolean; props?: Partial<SagaProps> } = {},
): FulfillmentStack {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  if (options.nag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const stack = new Stack(app, STACK, { env: { account: '000000000000', region: 'us-east-1' } });
  const bus = new events.EventBus(stack, 'Bus');
  const functions = serviceFunctions(stack);
  const saga = new Saga(stack, 'OrderFulfillment', {
    sagaName: 'OrderFulfillment',
    steps: orderFulfillmentSteps(functions),
    eventBus: bus,
    businessKeyPath: '$.data.orderId',
    ...options.props,
  });
  return { app, stack, saga, bus, functions };
}

/** The synthesized state machine with every intrinsic resolved as the local cloud resolves it. */
export interface SynthesizedSaga {
  readonly machine: LocalStateMachine;
  readonly definition: Record<string, unknown>;
  /** Qualified ARNs (`...:function:<name>:live`) the definition invokes, by service, and the event builder's. */
  readonly arns: Record<ServiceName | 'eventBuilder', string>;
  readonly busArn: string;
}

export function synthesizeSaga(built: FulfillmentStack): SynthesizedSaga {
  const template = Template.fromStack(built.stack).toJSON() as CfnTemplate;
  const model = new CloudModel(
    [{ id: STACK, stackName: STACK, directory: '/assembly', template, dependencies: [] }],
    { accountId: '000000000000', region: 'us-east-1', endpoint: 'http://127.0.0.1:4566' },
  );
  const [machine] = stateMachinesOf({ model });
  if (!machine) throw new Error('no state machine in the template');
  const arnOf = (element: unknown) =>
    model.identity(model.resource(STACK, built.stack.getLogicalId(element as CfnElement))).arn;
  const aliasArn = (fn: ServiceFunction) => arnOf(fn.alias.node.defaultChild);
  const arns = {
    ...Object.fromEntries(SERVICES.map((s) => [s, aliasArn(built.functions[s])])),
    eventBuilder: aliasArn(built.saga.eventBuilder),
  } as SynthesizedSaga['arns'];
  const definition = JSON.parse(String(machine.definition)) as Record<string, unknown>;
  return { machine, definition, arns, busArn: arnOf(built.bus.node.defaultChild) };
}

/** What the services answer when a test says nothing else. */
export const DEFAULT_RESULTS: Record<string, unknown> = {
  ReserveStock: { reservationId: 'res-1' },
  ChargePayment: { paymentId: 'pay-1', amount: 2400 },
  CreateShipment: { shipmentId: 'ship-1' },
  ConfirmOrder: { status: 'CONFIRMED' },
  ReleaseStock: { released: true },
  RefundPayment: { refunded: 2400 },
  CancelShipment: { cancelled: true },
};

export type CommandBehaviour = (data: Record<string, unknown>, call: number) => unknown;

export interface Invocation {
  readonly service: ServiceName;
  /** The command type, e.g. `ChargePayment`. */
  readonly command: string;
  readonly payload: Record<string, unknown>;
  readonly at: number;
}

export function namedError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name });
}

/**
 * The local Step Functions service running the synthesized saga, with fake service functions keyed by their
 * alias ARN (dispatching on the command type), the real event builder, and PutEvents collected.
 */
export function localSaga(
  synthesized: SynthesizedSaga,
  behaviours: Partial<Record<string, CommandBehaviour>> = {},
  options: { timeScale?: number; eventBridgeDown?: boolean } = {},
) {
  const invocations: Invocation[] = [];
  const published: PutEventsEntry[] = [];
  const byArn = new Map<string, ServiceName>(SERVICES.map((s) => [synthesized.arns[s], s]));
  const counts = new Map<string, number>();

  const lambda: LambdaInvoker = {
    async invoke(arn, payload): Promise<LambdaInvokeResult> {
      const ok = (result: unknown) => ({ statusCode: 200, payload: result, executedVersion: '1' });
      if (arn === synthesized.arns.eventBuilder) {
        return ok(buildSagaEvent(sagaEventRequestSchema.parse(payload), new Date()));
      }
      const service = byArn.get(arn);
      if (!service)
        throw Object.assign(new Error(`Function not found: ${arn}`), { code: 'ResourceNotFoundException' });
      const body = payload as { command: { type: string; data: Record<string, unknown> } };
      const type = body.command.type;
      const call = (counts.get(type) ?? 0) + 1;
      counts.set(type, call);
      invocations.push({ service, command: type, payload: body, at: performance.now() });
      try {
        const behaviour = behaviours[type];
        return ok(behaviour ? await behaviour(body.command.data, call) : DEFAULT_RESULTS[type]);
      } catch (error) {
        const err = error as Error & { awsCode?: string };
        // A throttle is Lambda's own refusal (an API error), not the function's.
        if (err.awsCode) throw Object.assign(new Error(err.message), { code: err.awsCode });
        return {
          statusCode: 200,
          functionError: 'Unhandled',
          executedVersion: '1',
          payload: { errorType: err.name, errorMessage: err.message, trace: [`${err.name}: ${err.message}`] },
        };
      }
    },
  };

  const service = new StepFunctionsService({
    lambda,
    timeScale: options.timeScale ?? 0.001,
    stateMachines: [synthesized.machine],
    integrations: {
      putEvents: async ({ Entries }) => {
        if (options.eventBridgeDown)
          throw Object.assign(new Error('EventBridge is down'), { code: 'InternalException' });
        published.push(...Entries);
        return {
          Entries: Entries.map((_, i) => ({ EventId: `e-${published.length}-${i}` })),
          FailedEntryCount: 0,
        };
      },
    },
  });

  async function run(input: unknown, name = 'order-1') {
    const { executionArn } = service.startExecution({
      stateMachineArn: synthesized.machine.arn,
      name,
      input,
    });
    const result = await service.waitForExecution(executionArn);
    return { result, history: service.getExecution(executionArn).events };
  }

  return { service, run, invocations, published, commands: () => invocations.map((i) => i.command) };
}

export const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

/** The starter's output for an OrderPlaced: what an execution starts with. */
export function sagaInput(orderId = 'order-1') {
  return {
    subjectId: orderId,
    correlationId: 'corr-1',
    causationId: 'evt-order-placed-1',
    traceparent: TRACEPARENT,
    input: {
      orderId,
      customerId: 'cust-1',
      items: [{ sku: 'SKU-1', quantity: 2 }],
      total: 2400,
      paymentToken: 'tok_visa',
      shippingAddress: { line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' },
    },
  };
}
