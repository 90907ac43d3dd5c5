/**
 * One invocation in a fresh local execution environment (a worker thread, as the local Lambda runs a function):
 * started, awaited ready, invoked once with an empty event, terminated. For tests of what runs inside one.
 */
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { type EnvironmentConfig, ExecutionEnvironment } from '../../local/lambda/execution-environment.js';

/** The handler's answer, parsed; the invocation must succeed. */
export async function invokeOnce(
  config: Pick<EnvironmentConfig, 'assetDir' | 'env'> & Partial<EnvironmentConfig>,
): Promise<unknown> {
  const environment = new ExecutionEnvironment({
    functionName: 'test',
    handler: 'index.handler',
    memoryMb: 128,
    logStreamName: 'test',
    onOutput: () => {},
    ...config,
  });
  try {
    await environment.ready;
    const outcome = await environment.invoke({
      requestId: randomUUID(),
      event: {},
      context: { deadline: Date.now() + 10_000 },
      timeoutMs: 10_000,
    });
    expect(outcome.ok).toBe(true);
    return outcome.ok ? JSON.parse(outcome.payload) : undefined;
  } finally {
    await environment.terminate();
  }
}
