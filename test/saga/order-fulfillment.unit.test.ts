import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../bin/app.js';
import {
  parsePlanRequest,
  placedOrderInStore,
  planFulfillment,
  type StoredEvent,
  UnknownOrderError,
} from '../../functions/order-fulfillment/domain/plan.js';
import { loadConfig } from '../../lib/config.js';
import {
  COMPENSATION_FAILED_ERROR,
  sagaEventRequestSchema,
} from '../../lib/constructs/saga/runtime/contract.js';
import { buildSagaEvent } from '../../lib/constructs/saga/runtime/saga-events.js';
import type { ServiceFunction } from '../../lib/constructs/service-function.js';
import { SagasStack } from '../../lib/stacks/sagas-stack.js';
import type { ServiceStack } from '../../lib/stacks/service-stack.js';
import { CloudModel } from '../../local/assembly/model.js';
import type { CfnTemplate } from '../../local/assembly/template.js';
import type { LambdaInvokeResult, LambdaInvoker } from '../../local/core/aws-service.js';
import {
  type HistoryEvent,
  type LocalStateMachine,
  StepFunctionsService,
  stateMachinesOf,
} from '../../local/stepfunctions/index.js';
import { UNKNOWN_ORDER_ERROR } from '../../statemachines/order-fulfillment.js';
import { namedError, TRACEPARENT } from '../helpers/saga.js';

/**
 * The order fulfillment saga as the real app deploys it: `buildApp` synthesized (bundling skipped, cdk-nag on),
 * the state machine's definition taken from the Sagas stack's template with every intrinsic (cross-stack
 * imports of the services' aliases included) resolved by the local cloud's model, validated with asl-validator
 * and run on the local Step Functions engine with fake functions keyed by the alias ARNs the definition invokes.
 */

const aslValidator = createRequire(import.meta.url)('asl-validator') as (
  definition: unknown,
  options?: { checkPaths?: boolean; checkArn?: boolean },
) => { isValid: boolean; errorsText: (separator?: string) => string };

type Target = 'plan' | 'inventory' | 'payments' | 'shipping' | 'orders' | 'eventBuilder';

interface Synthesized {
  readonly machine: LocalStateMachine;
  readonly definition: Record<string, unknown>;
  readonly arns: Record<Target, string>;
  readonly sagasTemplate: CfnTemplate;
}

let outdir: string;
let saga: Synthesized;

beforeAll(() => {
  outdir = mkdtempSync(path.join(tmpdir(), 'order-fulfillment-'));
  const app = buildApp(
    loadConfig({ STAGE: 'dev' }),
    new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } }),
  );
  const assembly = app.synth();
  const stacks = app.node.children.filter((c): c is Stack => c instanceof Stack);
  const sagas = stacks.find((s): s is SagasStack => s instanceof SagasStack);
  if (!sagas) throw new Error('no Sagas stack in the app');
  const model = new CloudModel(
    assembly.stacks.map((s) => ({
      id: s.id,
      stackName: s.stackName,
      directory: assembly.directory,
      template: s.template as CfnTemplate,
      dependencies: [],
    })),
    { accountId: '000000000000', region: 'us-east-1', endpoint: 'http://127.0.0.1:4566' },
  );
  const aliasArn = (fn: ServiceFunction) => {
    const stack = Stack.of(fn);
    const logicalId = stack.getLogicalId(fn.alias.node.defaultChild as CfnElement);
    return model.identity(model.resource(stack.stackName, logicalId)).arn;
  };
  const commandsOf = (service: string) => {
    const stack = stacks.find((s) => s.stackName === `CommerceForge-dev-${service}`) as ServiceStack;
    return aliasArn(stack.functions.Commands!);
  };
  const machine = stateMachinesOf({ model }).find((m) => m.arn.includes('OrderFulfillment'));
  if (!machine) throw new Error('no OrderFulfillment state machine in the app');
  saga = {
    machine,
    definition: JSON.parse(String(machine.definition)) as Record<string, unknown>,
    arns: {
      plan: aliasArn(sagas.planFunction),
      inventory: commandsOf('Inventory'),
      payments: commandsOf('Payments'),
      shipping: commandsOf('Shipping'),
      orders: commandsOf('Orders'),
      eventBuilder: aliasArn(sagas.orderFulfillment.eventBuilder),
    },
    sagasTemplate: assembly.getStackByName(sagas.stackName).template as CfnTemplate,
  };
}, 180_000);
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

// ---- the input an OrderPlaced starts the saga with (the starter's output) ----
const ORDER_ID = '0b6d3c8e-6a4f-5b7e-9a41-3f0c2d7e9b10';
function sagaInput(orderId = ORDER_ID) {
  return {
    subjectId: orderId,
    correlationId: 'corr-1',
    causationId: 'evt-order-placed-1',
    traceparent: TRACEPARENT,
    input: {
      orderId,
      customerId: 'cust-1',
      items: [
        { sku: 'MUG-CLASSIC', quantity: 2, unitPrice: 1200 },
        { sku: 'CAP-BLACK', quantity: 1, unitPrice: 1500 },
      ],
      total: 3900,
      currency: 'USD',
      shippingAddress: { line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' },
      paymentToken: 'tok_visa',
    },
  };
}

// ---- fake functions: the real plan, command handlers answering `{ events, result }` ----
type Behaviour = (data: Record<string, unknown>, call: number) => unknown;
interface Call {
  readonly target: Target;
  /** The command type, or `PlanFulfillment`. */
  readonly name: string;
  readonly payload: Record<string, unknown>;
}

const RESULTS: Record<string, (data: Record<string, unknown>) => unknown> = {
  ReserveStock: (d) => ({ orderId: d.orderId, status: 'RESERVED', reservationId: d.orderId }),
  ReleaseStock: (d) => ({ orderId: d.orderId, status: 'RELEASED' }),
  ChargePayment: (d) => ({ orderId: d.orderId, paymentId: d.paymentId, status: 'CHARGED', amount: d.amount }),
  RefundPayment: (d) => ({ orderId: d.orderId, status: 'REFUNDED', refundedAmount: 3900 }),
  CreateShipment: (d) => ({ shipmentId: d.shipmentId, orderId: d.orderId, status: 'CREATED' }),
  CancelShipment: (d) => ({ shipmentId: d.shipmentId, status: 'CANCELLED' }),
  ConfirmOrder: (d) => ({ orderId: d.orderId, status: 'CONFIRMED' }),
  CancelOrder: (d) => ({ orderId: d.orderId, status: 'CANCELLED', failureReason: d.reason }),
};

/** The orders store as the fake plan reads it: the order placed as `sagaInput()` says, unless a test says otherwise. */
function storedOrder(orderId = ORDER_ID): StoredEvent[] {
  const { paymentToken: _token, ...order } = sagaInput(orderId).input as Record<string, unknown>;
  return [{ type: 'OrderPlaced', eventId: 'evt-order-placed-1', data: order }];
}

function localSaga(
  behaviours: Partial<Record<string, Behaviour>> = {},
  ordersStore: (orderId: string) => StoredEvent[] = storedOrder,
) {
  const calls: Call[] = [];
  const counts = new Map<string, number>();
  const byArn = new Map(Object.entries(saga.arns).map(([target, arn]) => [arn, target as Target]));
  const lambda: LambdaInvoker = {
    async invoke(arn, payload): Promise<LambdaInvokeResult> {
      const ok = (result: unknown) => ({ statusCode: 200, payload: result, executedVersion: '1' });
      const target = byArn.get(arn);
      if (!target)
        throw Object.assign(new Error(`Function not found: ${arn}`), { code: 'ResourceNotFoundException' });
      if (target === 'eventBuilder')
        return ok(buildSagaEvent(sagaEventRequestSchema.parse(payload), new Date()));
      const body = payload as { command?: { type: string; data: Record<string, unknown> } };
      const name = target === 'plan' ? 'PlanFulfillment' : body.command!.type;
      const call = (counts.get(name) ?? 0) + 1;
      counts.set(name, call);
      calls.push({ target, name, payload: body as Record<string, unknown> });
      try {
        const behaviour = behaviours[name];
        if (target === 'plan')
          return ok(
            behaviour
              ? await behaviour({}, call)
              : (() => {
                  const { orderId } = parsePlanRequest(payload);
                  return planFulfillment(placedOrderInStore(orderId, ordersStore(orderId)));
                })(),
          );
        const data = body.command!.data;
        const result = behaviour ? await behaviour(data, call) : RESULTS[name]!(data);
        return ok({ events: [], result });
      } catch (error) {
        const err = error as Error;
        return {
          statusCode: 200,
          functionError: 'Unhandled',
          executedVersion: '1',
          payload: { errorType: err.name, errorMessage: err.message, trace: [] },
        };
      }
    },
  };
  const service = new StepFunctionsService({
    lambda,
    timeScale: 0.001,
    stateMachines: [saga.machine],
    integrations: {
      putEvents: async ({ Entries }) => ({
        Entries: Entries.map((_, i) => ({ EventId: `e-${i}` })),
        FailedEntryCount: 0,
      }),
    },
  });
  async function run(input: unknown = sagaInput()) {
    const { executionArn } = service.startExecution({
      stateMachineArn: saga.machine.arn,
      name: ORDER_ID,
      input,
    });
    const result = await service.waitForExecution(executionArn);
    return { result, history: service.getExecution(executionArn).events };
  }
  const named = (name: string) => calls.filter((c) => c.name === name);
  return { run, calls, names: () => calls.map((c) => c.name), named };
}

const STEPS = ['PlanFulfillment', 'ReserveStock', 'ChargePayment', 'CreateShipment', 'ConfirmOrder'] as const;
const UNDO: Record<(typeof STEPS)[number], string | undefined> = {
  PlanFulfillment: 'CancelOrder',
  ReserveStock: 'ReleaseStock',
  ChargePayment: 'RefundPayment',
  CreateShipment: 'CancelShipment',
  ConfirmOrder: undefined,
};
const dataOf = (call: Call | undefined) =>
  (call?.payload.command as { data: Record<string, unknown> } | undefined)?.data;

/** Every attempt of one invocation (a command type, or PlanFulfillment) in the history, with its outcome. */
function attempts(history: readonly HistoryEvent[], name: string) {
  return history.flatMap((event, index) => {
    if (event.type !== 'LambdaFunctionScheduled') return [];
    const { input } = event.lambdaFunctionScheduledEventDetails as { input: string };
    const parsed = JSON.parse(input) as { command?: { type?: string }; orderId?: unknown };
    if ((parsed.command?.type ?? (parsed.orderId ? 'PlanFulfillment' : undefined)) !== name) return [];
    const end = history
      .slice(index + 1)
      .find((e) => /^LambdaFunction(Succeeded|Failed|TimedOut)$/.test(e.type));
    return [{ at: event.timestamp.getTime(), outcome: end?.type }];
  });
}

describe('the order fulfillment state machine of the real app', () => {
  it('is valid ASL (asl-validator, paths and ARNs checked), JSONPath only, invoking live aliases', () => {
    const result = aslValidator(structuredClone(saga.definition), { checkPaths: true, checkArn: true });
    expect(result.isValid, result.errorsText('\n')).toBe(true);
    const text = JSON.stringify(saga.definition);
    expect(text).not.toContain('JSONata');
    for (const target of ['plan', 'inventory', 'payments', 'shipping', 'orders'] as const) {
      expect(saga.arns[target]).toMatch(/:function:.+:live$/);
      expect(text).toContain(saga.arns[target]);
    }
    expect(saga.definition.Comment).toContain(STEPS.join(' → '));
  });

  it('retries the provider’s and the carrier’s outages and open circuits with backoff and full jitter, and every write on a clash', () => {
    const states = saga.definition.States as Record<string, { Retry?: Record<string, unknown>[] }>;
    expect(states.ChargePayment?.Retry?.[0]).toEqual({
      ErrorEquals: ['ProviderUnavailableError', 'ConcurrencyError'],
      MaxAttempts: 3,
      IntervalSeconds: 2,
      BackoffRate: 2,
      MaxDelaySeconds: 20,
      JitterStrategy: 'FULL',
    });
    for (const step of ['ReserveStock', 'ConfirmOrder']) {
      expect(states[step]?.Retry?.[0]).toMatchObject({
        ErrorEquals: ['ConcurrencyError'],
        JitterStrategy: 'FULL',
      });
    }
    // The carrier's outage like the provider's.
    expect(states.CreateShipment?.Retry?.[0]).toMatchObject({
      ErrorEquals: ['CarrierUnavailableError', 'ConcurrencyError'],
      MaxAttempts: 3,
      JitterStrategy: 'FULL',
    });
    // While a breaker is open: a budget of its own, that outlasts the 60 s the circuit stays open.
    for (const step of ['ChargePayment', 'CreateShipment']) {
      expect(states[step]?.Retry?.[1]).toEqual({
        ErrorEquals: ['CircuitOpenError'],
        MaxAttempts: 6,
        IntervalSeconds: 20,
        BackoffRate: 2,
        MaxDelaySeconds: 60,
        JitterStrategy: 'FULL',
      });
    }
    // A decline (or a carrier's rejection) is an answer: no retrier names it (nor States.ALL).
    expect(JSON.stringify(states.ChargePayment?.Retry)).not.toMatch(/PaymentDeclinedError|States\.ALL/);
    expect(JSON.stringify(states.CreateShipment?.Retry)).not.toMatch(/ShipmentFailedError|States\.ALL/);
  });

  it('is started by OrderPlaced through the saga starter (execution named by the orderId)', () => {
    const resources = Object.values(saga.sagasTemplate.Resources ?? {});
    const rule = resources.find(
      (r) =>
        r.Type === 'AWS::Events::Rule' &&
        JSON.stringify(r.Properties?.EventPattern).includes('"OrderPlaced"'),
    );
    expect(rule?.Properties?.EventPattern).toEqual({
      source: ['commerceforge.orders'],
      'detail-type': ['OrderPlaced'],
    });
    const starter = resources.find(
      (r) =>
        r.Type === 'AWS::Lambda::Function' &&
        (r.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables
          ?.BUSINESS_KEY_PATH === '$.data.orderId',
    );
    expect(starter).toBeDefined();
  });
});

describe('the order fulfillment saga on the local engine', () => {
  it("moves money and goods on the orders store's order, not on the triggering event's word", async () => {
    const local = localSaga();
    const forged = sagaInput();
    const { result } = await local.run({
      ...forged,
      input: {
        ...forged.input,
        customerId: 'cust-forger',
        total: 1,
        items: [{ sku: 'MUG-CLASSIC', quantity: 50, unitPrice: 0 }],
        shippingAddress: { ...forged.input.shippingAddress, line1: '9 Forger Lane' },
      },
    });
    expect(result.output).toMatchObject({ status: 'Succeeded' });
    expect(dataOf(local.named('ChargePayment')[0])).toMatchObject({ customerId: 'cust-1', amount: 3900 });
    expect(dataOf(local.named('ReserveStock')[0])?.items).toEqual([
      { sku: 'MUG-CLASSIC', quantity: 2 },
      { sku: 'CAP-BLACK', quantity: 1 },
    ]);
    expect(dataOf(local.named('CreateShipment')[0])?.shippingAddress).toEqual(
      sagaInput().input.shippingAddress,
    );
  });

  it('does nothing for an order the orders store does not hold: Abandoned, nothing reserved, charged or undone', async () => {
    const local = localSaga({}, () => []);
    const { result } = await local.run();
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toMatchObject({
      status: 'Abandoned',
      abandonedStep: 'PlanFulfillment',
      error: { Error: UNKNOWN_ORDER_ERROR },
    });
    // Not even CancelOrder: there is no order to cancel.
    expect(local.names()).toEqual(['PlanFulfillment']);
  });

  it('succeeds: plan, reserve, charge, ship, confirm, each once, each a correlated idempotent command', async () => {
    const local = localSaga();
    const { result } = await local.run();
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toMatchObject({ status: 'Succeeded', sagaId: ORDER_ID, subjectId: ORDER_ID });
    expect(local.names()).toEqual([...STEPS]);

    const reserve = local.named('ReserveStock')[0]!;
    expect(reserve.payload).toEqual({
      command: {
        type: 'ReserveStock',
        // Unpriced stock lines: inventory refuses a line with a price.
        data: {
          orderId: ORDER_ID,
          items: [
            { sku: 'MUG-CLASSIC', quantity: 2 },
            { sku: 'CAP-BLACK', quantity: 1 },
          ],
        },
      },
      commandId: `${ORDER_ID}:ReserveStock`,
      actor: { type: 'service', id: 'saga:OrderFulfillment' },
      correlationId: 'corr-1',
      causationId: 'evt-order-placed-1',
      traceparent: TRACEPARENT,
    });
    expect(dataOf(local.named('ChargePayment')[0])).toEqual({
      paymentId: `pay-${ORDER_ID}`,
      orderId: ORDER_ID,
      customerId: 'cust-1',
      amount: 3900,
      currency: 'USD',
      // no paymentToken: payments reads it from its token vault by orderId
    });
    expect(dataOf(local.named('CreateShipment')[0])).toEqual({
      shipmentId: `shp-${ORDER_ID}`,
      orderId: ORDER_ID,
      items: [
        { sku: 'MUG-CLASSIC', quantity: 2 },
        { sku: 'CAP-BLACK', quantity: 1 },
      ],
      shippingAddress: sagaInput().input.shippingAddress,
    });
    // Confirmed with what the services answered.
    expect(dataOf(local.named('ConfirmOrder')[0])).toEqual({
      orderId: ORDER_ID,
      paymentId: `pay-${ORDER_ID}`,
      shipmentId: `shp-${ORDER_ID}`,
    });
    for (const call of local.calls.filter((c) => c.target !== 'plan')) {
      expect(call.payload.commandId).toBe(`${ORDER_ID}:${call.name}`);
    }
  });

  it.each(STEPS.map((failing, index) => ({ failing, index })))(
    'a failure at $failing runs exactly the compensations of the steps before it, in reverse, the order cancelled last',
    async ({ failing, index }) => {
      const local = localSaga({
        [failing]: () => {
          throw namedError('BusinessRuleError', `${failing} refused`);
        },
      });
      const { result } = await local.run();
      const undone = STEPS.slice(0, index)
        .map((step) => UNDO[step])
        .filter((c): c is string => c !== undefined)
        .reverse();
      expect(local.names()).toEqual([...STEPS.slice(0, index + 1), ...undone]);
      expect(result.status).toBe('SUCCEEDED');
      expect(result.output).toMatchObject({
        status: 'Compensated',
        failedStep: failing,
        error: { Error: 'BusinessRuleError' },
        compensatedSteps: STEPS.slice(0, index).reverse(),
      });
      const reason = `${failing} failed: BusinessRuleError`;
      if (index === 0) return; // the plan failed: nothing to undo, nothing to cancel with
      expect(dataOf(local.named('CancelOrder')[0])).toEqual({
        orderId: ORDER_ID,
        reason,
        failedStep: failing,
      });
      expect(local.named('CancelOrder')[0]?.payload.commandId).toBe(`${ORDER_ID}:CancelOrder`);
      if (index > 1) expect(dataOf(local.named('ReleaseStock')[0])).toEqual({ orderId: ORDER_ID, reason });
      if (index > 2)
        expect(dataOf(local.named('RefundPayment')[0])).toEqual({
          orderId: ORDER_ID,
          refundId: `ref-${ORDER_ID}`,
          reason,
        });
      if (index > 3)
        expect(dataOf(local.named('CancelShipment')[0])).toEqual({ shipmentId: `shp-${ORDER_ID}`, reason });
    },
  );

  it('a decline compensates at once: one charge attempt, stock released, the order cancelled', async () => {
    const local = localSaga({
      ChargePayment: () => {
        throw namedError('PaymentDeclinedError', 'payment declined: card_declined');
      },
    });
    const { result } = await local.run();
    expect(local.names()).toEqual([
      'PlanFulfillment',
      'ReserveStock',
      'ChargePayment',
      'ReleaseStock',
      'CancelOrder',
    ]);
    expect(result.output).toMatchObject({ status: 'Compensated', error: { Error: 'PaymentDeclinedError' } });
    expect(dataOf(local.named('CancelOrder')[0])).toMatchObject({
      reason: 'ChargePayment failed: PaymentDeclinedError',
      failedStep: 'ChargePayment',
    });
  });

  it('an outage is retried with backoff (1 + 3 attempts in the history), then the saga gives up and compensates', async () => {
    const local = localSaga({
      ChargePayment: () => {
        throw namedError('ProviderUnavailableError', 'provider unavailable');
      },
    });
    const { result, history } = await local.run();
    expect(local.names()).toEqual([
      'PlanFulfillment',
      'ReserveStock',
      ...Array.from({ length: 4 }, () => 'ChargePayment'),
      'ReleaseStock',
      'CancelOrder',
    ]);
    // The same command each time: the payment's idempotency sees one charge.
    expect(new Set(local.named('ChargePayment').map((c) => c.payload.commandId))).toEqual(
      new Set([`${ORDER_ID}:ChargePayment`]),
    );
    expect(attempts(history, 'ChargePayment').map((a) => a.outcome)).toEqual(
      Array.from({ length: 4 }, () => 'LambdaFunctionFailed'),
    );
    expect(result.output).toMatchObject({
      status: 'Compensated',
      failedStep: 'ChargePayment',
      error: { Error: 'ProviderUnavailableError' },
    });
    expect(dataOf(local.named('CancelOrder')[0])).toMatchObject({
      reason: 'ChargePayment failed: ProviderUnavailableError',
    });
  });

  it('an outage that passes: the retried charge succeeds and the order is confirmed', async () => {
    const local = localSaga({
      ChargePayment: (data, call) => {
        if (call < 3) throw namedError('ProviderUnavailableError', 'provider hiccup');
        return RESULTS.ChargePayment!(data);
      },
    });
    const { result, history } = await local.run();
    expect(result.output).toMatchObject({ status: 'Succeeded' });
    expect(attempts(history, 'ChargePayment').map((a) => a.outcome)).toEqual([
      'LambdaFunctionFailed',
      'LambdaFunctionFailed',
      'LambdaFunctionSucceeded',
    ]);
    expect(local.names().filter((n) => n === 'ConfirmOrder')).toHaveLength(1);
  });

  it('ends in CompensationFailed when a compensation keeps failing, naming what is left to undo by hand', async () => {
    const local = localSaga({
      CreateShipment: () => {
        throw namedError('ShipmentFailedError', 'no shipment to JP');
      },
      RefundPayment: () => {
        throw namedError('ProviderUnavailableError', 'provider down');
      },
    });
    const { result, history } = await local.run();
    // RefundPayment tried 1 + 5 times; ReleaseStock and CancelOrder never ran.
    expect(local.names()).toEqual([
      'PlanFulfillment',
      'ReserveStock',
      'ChargePayment',
      'CreateShipment',
      ...Array.from({ length: 6 }, () => 'RefundPayment'),
    ]);
    expect(attempts(history, 'RefundPayment')).toHaveLength(6);
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe(COMPENSATION_FAILED_ERROR);
    expect(JSON.parse(result.cause ?? '{}')).toMatchObject({
      status: 'CompensationFailed',
      failedStep: 'CreateShipment',
      error: 'ShipmentFailedError',
      failedCompensation: 'ChargePayment',
      compensationError: 'ProviderUnavailableError',
      pendingCompensations: ['ChargePayment', 'ReserveStock', 'PlanFulfillment'],
    });
  });

  it('retries a write clash (ConcurrencyError) on a step, then goes on', async () => {
    const local = localSaga({
      ReserveStock: (data, call) => {
        if (call === 1) throw namedError('ConcurrencyError', 'product stream moved');
        return RESULTS.ReserveStock!(data);
      },
    });
    const { result } = await local.run();
    expect(result.output).toMatchObject({ status: 'Succeeded' });
    expect(local.names()).toEqual(['PlanFulfillment', 'ReserveStock', 'ReserveStock', ...STEPS.slice(2)]);
  });
});

describe('PlanFulfillment (pure)', () => {
  it('names payment, shipment and refund from the orderId and merges lines per SKU, unpriced', () => {
    const order = sagaInput().input;
    const plan = planFulfillment({
      ...order,
      items: [...order.items, { sku: 'MUG-CLASSIC', quantity: 1, unitPrice: 1200 }],
    });
    expect(plan).toEqual({
      orderId: ORDER_ID,
      customerId: 'cust-1',
      paymentId: `pay-${ORDER_ID}`,
      shipmentId: `shp-${ORDER_ID}`,
      refundId: `ref-${ORDER_ID}`,
      lines: [
        { sku: 'MUG-CLASSIC', quantity: 3 },
        { sku: 'CAP-BLACK', quantity: 1 },
      ],
      amount: 3900,
      currency: 'USD',
      shippingAddress: order.shippingAddress,
    });
    // The same order, the same plan: a retried step names the same payment and shipment.
    expect(planFulfillment(order)).toEqual(planFulfillment(structuredClone(order)));
  });

  it('takes the order id only (ValidationError without one)', () => {
    expect(() => parsePlanRequest({ order: { orderId: ORDER_ID } })).toThrow(
      expect.objectContaining({ name: 'ValidationError' }),
    );
    expect(() => parsePlanRequest({ orderId: '' })).toThrow(
      expect.objectContaining({ name: 'ValidationError' }),
    );
    expect(parsePlanRequest({ orderId: ORDER_ID, correlationId: 'corr-1' }).orderId).toBe(ORDER_ID);
  });

  it("plans the order its store holds, and refuses (UnknownOrderError) an order the store doesn't hold", () => {
    expect(placedOrderInStore(ORDER_ID, storedOrder()).total).toBe(3900);
    expect(() => placedOrderInStore(ORDER_ID, [])).toThrow(UnknownOrderError);
    // A stream that does not start with the order's own OrderPlaced is no order either.
    const other = storedOrder('c6f1a0e2-3b4d-5e6f-8a9b-0c1d2e3f4a5b');
    expect(() => placedOrderInStore(ORDER_ID, other)).toThrow(UnknownOrderError);
    const confirmed = [{ type: 'OrderConfirmed', eventId: 'e', data: { orderId: ORDER_ID } }];
    expect(() => placedOrderInStore(ORDER_ID, confirmed)).toThrow(UnknownOrderError);
    // The state machine abandons on this error's name.
    expect(new UnknownOrderError('x').name).toBe(UNKNOWN_ORDER_ERROR);
  });
});
