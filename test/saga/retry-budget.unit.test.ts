import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, type Stack } from 'aws-cdk-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../bin/app.js';
import { BREAKER_KNOBS } from '../../functions/kernel/resilience/settings.js';
import { loadConfig } from '../../lib/config.js';
import { TRANSIENT_RETRY_DEFAULTS } from '../../lib/constructs/saga/index.js';
import { TRANSIENT_LAMBDA_ERRORS } from '../../lib/constructs/saga/runtime/contract.js';
import { SagasStack } from '../../lib/stacks/sagas-stack.js';

/**
 * The retry budget of every Lambda task of the order fulfillment saga, read from the real app's Sagas
 * template: the DefinitionString's `Fn::Join` parsed with each intrinsic kept aside, each task's Resource
 * followed to the Lambda alias it invokes (in the Sagas stack, or through a cross-stack export of a service's
 * stack) and from there to the function's timeout.
 */

type Json = Record<string, unknown>;
interface Retrier {
  readonly ErrorEquals: string[];
  readonly IntervalSeconds?: number;
  readonly MaxAttempts?: number;
  readonly BackoffRate?: number;
  readonly MaxDelaySeconds?: number;
  readonly JitterStrategy?: string;
}
interface State {
  readonly Type: string;
  readonly Resource?: string;
  readonly Parameters?: Json;
  readonly Next?: string;
  readonly Retry?: Retrier[];
  readonly Catch?: { ErrorEquals: string[]; Next: string }[];
}
interface Definition {
  readonly StartAt: string;
  readonly TimeoutSeconds?: number;
  readonly States: Record<string, State>;
}
interface Template {
  readonly Resources: Record<string, { Type: string; Properties?: Json }>;
  readonly Outputs?: Record<string, { Value: unknown; Export?: { Name: string } }>;
}

const PLACEHOLDER = /^@@token(\d+)@@$/;

/** The definition with each intrinsic of the `Fn::Join` replaced by `@@token<i>@@`, and the intrinsics. */
function parseDefinition(definitionString: unknown): { definition: Definition; tokens: unknown[] } {
  const join = (definitionString as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
  const tokens: unknown[] = [];
  const text = join[1]
    .map((part) => (typeof part === 'string' ? part : `@@token${tokens.push(part) - 1}@@`))
    .join(join[0]);
  return { definition: JSON.parse(text) as Definition, tokens };
}

let outdir: string;
let definition: Definition;
/** Lambda task state name → the invoked function's timeout in seconds. */
const lambdaTasks = new Map<string, number>();
const putEventsTasks = new Set<string>();

beforeAll(() => {
  outdir = mkdtempSync(path.join(tmpdir(), 'saga-retry-budget-'));
  const app = buildApp(
    loadConfig({ STAGE: 'dev' }),
    new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } }),
  );
  const assembly = app.synth();
  const sagas = app.node.children.find((c): c is Stack => c instanceof SagasStack);
  if (!sagas) throw new Error('no Sagas stack in the app');
  const templates = new Map(assembly.stacks.map((s) => [s.stackName, s.template as Template] as const));
  const sagasTemplate = templates.get(sagas.stackName)!;

  // Export name → [template, exported value], for the services' aliases the saga imports.
  const exports = new Map<string, [Template, unknown]>();
  for (const template of templates.values()) {
    for (const output of Object.values(template.Outputs ?? {})) {
      if (output.Export) exports.set(output.Export.Name, [template, output.Value]);
    }
  }
  /** The timeout of the function an intrinsic names (a Ref of an alias or function, or an import of one). */
  const timeoutOf = (token: unknown, template: Template): number | undefined => {
    const intrinsic = token as { Ref?: string; 'Fn::ImportValue'?: string };
    if (intrinsic['Fn::ImportValue']) {
      const exported = exports.get(intrinsic['Fn::ImportValue']);
      return exported && timeoutOf(exported[1], exported[0]);
    }
    const resource = intrinsic.Ref ? template.Resources[intrinsic.Ref] : undefined;
    if (resource?.Type === 'AWS::Lambda::Alias')
      return timeoutOf(resource.Properties?.FunctionName, template);
    if (resource?.Type === 'AWS::Lambda::Function') return (resource.Properties?.Timeout as number) ?? 3;
    return undefined;
  };

  const machines = Object.values(sagasTemplate.Resources).filter(
    (r) => r.Type === 'AWS::StepFunctions::StateMachine',
  );
  expect(machines).toHaveLength(1);
  const parsed = parseDefinition(machines[0]!.Properties?.DefinitionString);
  definition = parsed.definition;
  for (const [name, state] of Object.entries(definition.States)) {
    if (state.Type !== 'Task') continue;
    // A bare function ARN (payloadResponseOnly) or the `lambda:invoke` integration with its FunctionName.
    const target = /:states:::lambda:invoke/.test(state.Resource ?? '')
      ? String(state.Parameters?.FunctionName)
      : (state.Resource ?? '');
    const token = PLACEHOLDER.exec(target);
    const timeout = token ? timeoutOf(parsed.tokens[Number(token[1])], sagasTemplate) : undefined;
    if (timeout !== undefined) lambdaTasks.set(name, timeout);
    else if (/:states:::events:putEvents$/.test(state.Resource ?? '')) putEventsTasks.add(name);
  }
}, 180_000);
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

// ---- Step Functions' retry arithmetic (defaults: IntervalSeconds 1, MaxAttempts 3, BackoffRate 2) ----

/** Whether a retrier takes this error: by name, or `States.ALL` / `States.TaskFailed` (Lambda errors are task failures). */
const matches = (retrier: Retrier, error: string) =>
  retrier.ErrorEquals.some((e) => e === error || e === 'States.ALL' || e === 'States.TaskFailed');

/** The longest waits of a retrier, one per retry: interval × rate^i, capped; full jitter draws each from [0, it]. */
function waits(retrier: Retrier): number[] {
  const { IntervalSeconds = 1, MaxAttempts = 3, BackoffRate = 2, MaxDelaySeconds } = retrier;
  return Array.from({ length: MaxAttempts }, (_, i) =>
    Math.min(IntervalSeconds * BackoffRate ** i, MaxDelaySeconds ?? Number.POSITIVE_INFINITY),
  );
}
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/**
 * A task's worst case: every retrier's budget used up (each counts its own attempts, so errors that alternate
 * between retriers use them all), every attempt taking the function's whole timeout.
 */
function worstCase(name: string): { attempts: number; waits: number; seconds: number } {
  const retriers = definition.States[name]?.Retry ?? [];
  const attempts = 1 + sum(retriers.map((r) => r.MaxAttempts ?? 3));
  const waited = sum(retriers.flatMap(waits));
  return { attempts, waits: waited, seconds: waited + attempts * (lambdaTasks.get(name) ?? 0) };
}

/** The longest path from `from` to an end (Next and every Catch), each Task weighing `weight` (the saga has no loops). */
function longestPath(
  from: string,
  weight: (task: string) => number,
  memo = new Map<string, number>(),
): number {
  const known = memo.get(from);
  if (known !== undefined) return known;
  const state = definition.States[from]!;
  const nexts = [state.Next, ...(state.Catch ?? []).map((c) => c.Next)].filter(
    (n): n is string => n !== undefined,
  );
  const own = state.Type === 'Task' ? weight(from) : 0;
  const total = own + Math.max(0, ...nexts.map((n) => longestPath(n, weight, memo)));
  memo.set(from, total);
  return total;
}

describe('the order fulfillment saga retries transient Lambda faults on every task', () => {
  it('finds every Task: Lambda invocations (actions, compensations, event builds) or PutEvents', () => {
    const tasks = Object.entries(definition.States).filter(([, s]) => s.Type === 'Task');
    expect(tasks.length).toBe(lambdaTasks.size + putEventsTasks.size);
    const names = [...lambdaTasks.keys()];
    for (const step of [
      'PlanFulfillment',
      'ReserveStock',
      'ChargePayment',
      'CreateShipment',
      'ConfirmOrder',
    ]) {
      expect(names).toContain(step);
    }
    for (const undone of ['PlanFulfillment', 'ReserveStock', 'ChargePayment', 'CreateShipment']) {
      expect(names).toContain(`Undo ${undone}`);
    }
    for (const event of ['SagaStarted', 'SagaCompensated', 'SagaFailed']) {
      expect(names).toContain(`${event}: build`);
    }
    expect(names.filter((n) => n.endsWith(': SagaStepCompleted: build'))).toHaveLength(5);
  });

  it('retries throttles, service errors and timeouts with exponential backoff and full jitter, capped', () => {
    expect([...TRANSIENT_LAMBDA_ERRORS]).toEqual(
      expect.arrayContaining([
        'Lambda.TooManyRequestsException',
        'Lambda.ServiceException',
        'Lambda.AWSLambdaException',
        'Lambda.SdkClientException',
        'Lambda.ClientExecutionTimeoutException',
        'Lambda.Unknown',
        'Sandbox.Timedout',
      ]),
    );
    for (const name of lambdaTasks.keys()) {
      const retriers = definition.States[name]?.Retry ?? [];
      for (const error of TRANSIENT_LAMBDA_ERRORS) {
        // Step Functions uses the first retrier that matches.
        const retrier = retriers.find((r) => matches(r, error));
        expect(retrier, `${name} retries ${error}`).toBeDefined();
        expect(retrier, `${name}: ${error}`).toMatchObject({
          JitterStrategy: 'FULL',
          MaxDelaySeconds: expect.any(Number),
          BackoffRate: expect.any(Number),
        });
        expect(retrier!.MaxAttempts, `${name}: ${error}`).toBeGreaterThanOrEqual(
          TRANSIENT_RETRY_DEFAULTS.maxAttempts!,
        );
      }
      // States.ALL, where a task has it, is its last retrier (an ASL rule).
      const all = retriers.findIndex((r) => r.ErrorEquals.includes('States.ALL'));
      if (all >= 0) expect(all, name).toBe(retriers.length - 1);
    }
  });

  it('sends business errors to the Catch at once: a decline, too little stock, an unserved country', () => {
    for (const step of ['ReserveStock', 'ChargePayment', 'CreateShipment', 'ConfirmOrder']) {
      const retriers = definition.States[step]?.Retry ?? [];
      for (const error of ['PaymentDeclinedError', 'StockReservationFailedError', 'ShipmentFailedError']) {
        expect(
          retriers.some((r) => matches(r, error)),
          `${step} retries ${error}`,
        ).toBe(false);
      }
      expect(definition.States[step]?.Catch?.[0]?.ErrorEquals).toEqual(['States.ALL']);
    }
  });

  it('keeps the documented budget: 31 s of waits over 7 attempts per transient retrier', () => {
    const transient = definition.States.PlanFulfillment?.Retry?.find((r) =>
      r.ErrorEquals.includes('Lambda.TooManyRequestsException'),
    );
    expect(transient).toEqual({
      ErrorEquals: [...TRANSIENT_LAMBDA_ERRORS],
      IntervalSeconds: 1,
      MaxAttempts: 6,
      BackoffRate: 2,
      MaxDelaySeconds: 8,
      JitterStrategy: 'FULL',
    });
    expect(waits(transient!)).toEqual([1, 2, 4, 8, 8, 8]);
    // statemachines/README.md, "Retry budgets": the rows per task.
    expect(worstCase('PlanFulfillment')).toEqual({ attempts: 7, waits: 31, seconds: 101 });
    // Its outage retrier (14 s), the circuit-open one (300 s, attempts that never call out) and the transient one.
    expect(worstCase('ChargePayment')).toEqual({ attempts: 16, waits: 345, seconds: 505 });
    expect(worstCase('CreateShipment')).toEqual({ attempts: 16, waits: 345, seconds: 505 });
    expect(worstCase('ReserveStock')).toEqual({ attempts: 10, waits: 38, seconds: 138 });
    expect(worstCase('Undo ChargePayment')).toEqual({ attempts: 12, waits: 62, seconds: 182 });
    expect(worstCase('SagaStarted: build')).toEqual({ attempts: 7, waits: 31, seconds: 101 });
  });

  it('fits the worst case of its longest path (every retry used, every attempt timing out) in the saga timeout', () => {
    const longest = longestPath(definition.StartAt, (task) => worstCase(task).seconds);
    expect(definition.TimeoutSeconds).toBeDefined();
    expect(longest).toBeLessThanOrEqual(definition.TimeoutSeconds!);
    // The numbers statemachines/README.md gives: ~46 min with timeouts, ~21 min of waits alone.
    expect(longest).toBe(2763);
    expect(longestPath(definition.StartAt, (task) => worstCase(task).waits)).toBe(1273);
  });

  it('waits out an open circuit: under 1% of the orders refused as it opens give up before it may close', () => {
    // Full jitter draws each wait from [0, cap]: the chance that all of them together stay under the breaker's
    // open timeout, by simulation with a seeded generator over the synthesized retrier. With three retries
    // (20, 40, 60 s caps) it was one in two: a short outage cancelled orders that a wait would have saved.
    const resetSeconds = BREAKER_KNOBS.resetTimeoutSeconds.fallback;
    for (const step of ['ChargePayment', 'CreateShipment']) {
      const retrier = definition.States[step]?.Retry?.find((r) => r.ErrorEquals.includes('CircuitOpenError'));
      expect(retrier, `${step} retries CircuitOpenError`).toBeDefined();
      const caps = waits(retrier!);
      let seed = 42;
      const random = () => {
        seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
        return seed / 2 ** 31;
      };
      const trials = 100_000;
      let gaveUp = 0;
      for (let t = 0; t < trials; t += 1) {
        if (sum(caps.map((cap) => random() * cap)) < resetSeconds) gaveUp += 1;
      }
      expect(gaveUp / trials, `${step}: share giving up inside the open timeout`).toBeLessThan(0.01);
    }
  });
});
