import { createHash } from 'node:crypto';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { ValidationError } from '../../../../functions/kernel/domain/errors.js';
import type { EventEnvelope } from '../../../../functions/kernel/events/envelope.js';
import type { CausalMetadata } from '../../../../functions/kernel/events/metadata.js';
import { parseEventBridgeEvent } from '../../../../functions/kernel/events/parse.js';
import { withObservability } from '../../../../functions/kernel/observability.js';
import { sdkRetryConfig } from '../../../../functions/kernel/sdk-retry.js';
import type { SagaInput } from './contract.js';

/**
 * The starter of a saga: an EventBridge rule target that starts one execution per business key. EventBridge's
 * own Step Functions target cannot name the execution, so a redelivered event would start a second saga; here
 * the execution name is the business key (`BUSINESS_KEY_PATH` in the envelope, e.g. `$.data.orderId`), and
 * Step Functions refuses a second execution of that name (ExecutionAlreadyExists: the saga is already running
 * or done, nothing to do). Standard workflows keep names unique for 90 days; Express ones do not check them.
 *
 * Environment: STATE_MACHINE_ARN, BUSINESS_KEY_PATH; RETRY_MAX_ATTEMPTS (the SDK's attempts, see sdk-retry.ts).
 */

/** Step Functions execution names: 1-80 characters out of these. */
const EXECUTION_NAME = /^[A-Za-z0-9_-]{1,80}$/;

/** The execution name for a business key: the key itself when it is a valid name, else a readable hash of it. */
export function executionName(businessKey: string): string {
  if (EXECUTION_NAME.test(businessKey)) return businessKey;
  const readable = businessKey.replace(/[^A-Za-z0-9_-]+/g, '-').slice(0, 40);
  const hash = createHash('sha256').update(businessKey).digest('hex').slice(0, 32);
  return `${readable}-${hash}`.replace(/^-+/, '');
}

/** `$.data.orderId`, `data.orderId` or `data.items[0].sku` read out of the envelope; a string or number. */
export function businessKeyOf(envelope: EventEnvelope, path: string): string {
  const segments = path
    .replace(/^\$\.?/, '')
    .split(/\.|\[(\d+)\]/)
    .filter((segment): segment is string => segment !== undefined && segment !== '');
  let value: unknown = envelope;
  for (const segment of segments) {
    value = value && typeof value === 'object' ? (value as Record<string, unknown>)[segment] : undefined;
  }
  if ((typeof value === 'string' && value.length > 0) || typeof value === 'number') return String(value);
  throw new ValidationError(`${envelope.type} ${envelope.eventId} has no business key at ${path}`, {
    path,
    eventType: envelope.type,
  });
}

/** The saga's input for the event that triggers it: its ids carried on, its data as the business input. */
export function sagaInputFor(
  envelope: EventEnvelope,
  subjectId: string,
  causation: CausalMetadata,
): SagaInput {
  return {
    subjectId,
    correlationId: causation.correlationId,
    causationId: causation.causationId,
    traceparent: causation.traceparent,
    input: envelope.data,
  };
}

export interface StartResult {
  readonly executionName: string;
  /** False when an execution of this name exists already (a redelivered or repeated trigger). */
  readonly started: boolean;
  readonly executionArn?: string;
}

let client: SFNClient | undefined;

export const handler = withObservability<unknown, StartResult>(
  { service: 'saga' },
  async (event, _ctx, tools) => {
    const stateMachineArn = requiredEnv('STATE_MACHINE_ARN');
    const envelope = parseEventBridgeEvent(event);
    const subjectId = businessKeyOf(envelope, requiredEnv('BUSINESS_KEY_PATH'));
    const name = executionName(subjectId);
    const input = sagaInputFor(envelope, subjectId, tools.causation(envelope));
    // A throttled StartExecution is retried by the SDK (`sdkRetryConfig`); past that the handler throws and
    // Lambda retries the invocation, then the starter's failure queue takes the event.
    client ??= tools.captureClient(new SFNClient(sdkRetryConfig()));
    try {
      const { executionArn } = await client.send(
        new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }),
      );
      tools.logger.info('saga started', { executionName: name, executionArn });
      return { executionName: name, started: true, ...(executionArn && { executionArn }) };
    } catch (error) {
      if ((error as Error).name !== 'ExecutionAlreadyExists') throw error;
      tools.logger.info('saga already started for this business key', { executionName: name });
      return { executionName: name, started: false };
    }
  },
);

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`saga starter: environment variable ${name} is not set`);
  return value;
}
