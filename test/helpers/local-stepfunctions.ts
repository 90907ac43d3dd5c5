import type { LambdaInvokeResult, LambdaInvoker } from '../../local/core/aws-service.js';
import { type StateMachineConfig, StepFunctionsEngine } from '../../local/stepfunctions/engine.js';
import type { StepFunctionsIntegrations } from '../../local/stepfunctions/tasks.js';

export const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';
export const fnArn = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;

export type FakeFunction = (payload: unknown, call: number) => unknown | Promise<unknown>;

/** A LambdaInvoker whose functions are plain JS; a thrown Error becomes Lambda's `{errorType, errorMessage, trace}`. */
export function fakeLambda(functions: Record<string, FakeFunction>) {
  const calls: Array<{ name: string; payload: unknown }> = [];
  const invoker: LambdaInvoker = {
    async invoke(functionNameOrArn, payload): Promise<LambdaInvokeResult> {
      const name = functionNameOrArn.split(':function:').pop()?.split(':')[0] ?? functionNameOrArn;
      const fn = functions[name];
      if (!fn)
        throw Object.assign(new Error(`Function not found: ${functionNameOrArn}`), {
          code: 'ResourceNotFoundException',
        });
      calls.push({ name, payload });
      const call = calls.filter((c) => c.name === name).length;
      try {
        return { statusCode: 200, payload: await fn(payload, call), executedVersion: '$LATEST' };
      } catch (error) {
        const err = error as Error;
        return {
          statusCode: 200,
          functionError: 'Unhandled',
          executedVersion: '$LATEST',
          payload: { errorType: err.name, errorMessage: err.message, trace: [`${err.name}: ${err.message}`] },
        };
      }
    },
  };
  return { invoker, calls };
}

export function namedError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

export function machine(
  definition: object,
  name = 'TestMachine',
  type: 'STANDARD' | 'EXPRESS' = 'STANDARD',
): StateMachineConfig {
  return {
    arn: `arn:aws:states:us-east-1:000000000000:stateMachine:${name}`,
    name,
    definition: JSON.stringify(definition),
    type,
    roleArn: 'arn:aws:iam::000000000000:role/TestRole',
  };
}

/** Runs one execution to its end; timings scaled down so Retry backoff takes milliseconds. */
export async function runMachine(
  definition: object,
  input: unknown,
  deps: {
    lambda?: LambdaInvoker;
    integrations?: Partial<StepFunctionsIntegrations>;
    name?: string;
    validate?: boolean;
    timeScale?: number;
  } = {},
) {
  const engine = new StepFunctionsEngine({
    lambda: deps.lambda ?? fakeLambda({}).invoker,
    // asl-validator costs ~0.4 s a definition; the service tests validate, most engine tests need not.
    validate: deps.validate ?? false,
    ...(deps.integrations && { integrations: deps.integrations }),
    timeScale: deps.timeScale ?? 0.001,
  });
  const prepared = engine.prepare(machine(definition));
  const name = deps.name ?? 'exec-1';
  const execution = engine.start(prepared, {
    executionArn: `arn:aws:states:us-east-1:000000000000:execution:TestMachine:${name}`,
    name,
    input,
  });
  const outcome = await execution.done;
  return { outcome, events: execution.events, types: execution.events.map((e) => e.type) };
}
