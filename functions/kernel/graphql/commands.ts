import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { KernelConfigurationError, KernelError } from '../errors.js';
import type { Actor } from '../events/envelope.js';
import { sdkRetryConfig } from '../sdk-retry.js';

/** What a service's Commands function answers. */
export interface CommandAnswer<R = unknown> {
  readonly events: readonly { eventId: string; type: string; streamId: string; streamVersion: number }[];
  readonly result: R;
}

/** A refusal from another function, rethrown under its own name so AppSync's `errorType` keeps it. */
export class RemoteCommandError extends KernelError {
  readonly code = 'REMOTE_COMMAND_REFUSED';
  constructor(
    override readonly name: string,
    message: string,
  ) {
    super(message);
  }
}

export interface CommandInvoker {
  invoke<R>(
    functionName: string,
    command: { type: string; data: unknown },
    actor: Actor,
    options?: { commandId?: string; correlationId?: string },
  ): Promise<CommandAnswer<R>>;
}

/** Reads a function name (the `live` alias ARN) from the environment, or says which grant is missing. */
export function functionFromEnv(variable: string): string {
  const name = process.env[variable];
  if (!name) throw new KernelConfigurationError(`${variable} is not set: the API stack passes it`);
  return name;
}

/**
 * Invokes services' Commands functions (RequestResponse) through their live aliases. A throttled Invoke
 * (TooManyRequestsException, e.g. the Commands function's concurrency full) is retried by the SDK with
 * backoff (`sdkRetryConfig`); a command's retry is safe, the services being idempotent by command id.
 */
export function lambdaCommandInvoker(
  client: LambdaClient = new LambdaClient(sdkRetryConfig()),
): CommandInvoker {
  return {
    async invoke(functionName, command, actor, options = {}) {
      const response = await client.send(
        new InvokeCommand({
          FunctionName: functionName,
          Payload: Buffer.from(
            JSON.stringify({
              command,
              actor,
              ...(options.commandId ? { commandId: options.commandId } : {}),
              ...(options.correlationId ? { correlationId: options.correlationId } : {}),
            }),
          ),
        }),
      );
      const text = response.Payload ? Buffer.from(response.Payload).toString('utf8') : 'null';
      const payload = JSON.parse(text || 'null') as Record<string, unknown> | null;
      if (response.FunctionError) {
        const errorType = typeof payload?.errorType === 'string' ? payload.errorType : 'InternalError';
        const message = typeof payload?.errorMessage === 'string' ? payload.errorMessage : 'command failed';
        throw new RemoteCommandError(errorType, message);
      }
      return payload as unknown as CommandAnswer<never>;
    },
  };
}
