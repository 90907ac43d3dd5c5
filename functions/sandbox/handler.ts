/**
 * The sandbox payment provider or carrier (which one: SANDBOX_PROVIDER), deployed with the app behind a
 * function URL (AWS_IAM) and called by the payments and shipping adapters. Its behaviour is switched at run
 * time by `/commerceforge/<stage>/sandbox/<provider>/mode` (`ok`, `outage`, `slow`), read with Powertools
 * Parameters and cached a few seconds, so `aws ssm put-parameter --overwrite` takes effect at once.
 *
 * Every call it receives is counted: an EMF metric `SandboxCalls` (dimensions Provider, Mode, Outcome) and one
 * log line `sandbox call`, which is what a game day or a test reads to see that calls reached (or stopped
 * reaching) the provider.
 */

import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { discoveryParameterName } from '../kernel/discovery-names.js';
import { withObservability } from '../kernel/observability.js';
import type * as z from '../kernel/zod.js';
import {
  ANSWER_STATUS,
  CHARGES_PATH,
  ChargeRequestBody,
  IDEMPOTENCY_KEY_HEADER,
  idempotencyKeySchema,
  SANDBOX_MODES,
  SANDBOX_PROVIDERS,
  type SandboxMode,
  type SandboxProvider,
  SHIPMENTS_PATH,
  ShipmentRequestBody,
  sandboxParameter,
} from './contract.js';
import { SANDBOX_PROVIDER_ENV, SANDBOX_SLOW_MS_ENV, SANDBOX_TABLE_ENV } from './environment.js';
import { type AnswerStore, dynamoAnswerStore, type Remembered } from './idempotency.js';
import { type Outage, simulateCharge, simulateShipment } from './simulate.js';

/** Seconds a mode read is reused: switching takes effect within this. */
export const MODE_CACHE_SECONDS = 2;

interface UrlEvent {
  readonly rawPath?: string;
  readonly headers?: Record<string, string | undefined>;
  readonly body?: string;
  readonly isBase64Encoded?: boolean;
  readonly requestContext?: { readonly http?: { readonly method?: string } };
}

interface HttpAnswer {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

const answer = (statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpAnswer => ({
  statusCode,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

const parameters = new SSMProvider();
let answers: AnswerStore | undefined;

export interface SandboxDeps {
  readonly provider: SandboxProvider;
  readonly mode: () => Promise<SandboxMode>;
  readonly answers: AnswerStore;
  readonly slowMs: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** One request, I/O injected: the route, the body, the mode, the idempotency key, the answer. */
export async function serveSandbox(
  event: UrlEvent,
  deps: SandboxDeps,
): Promise<{ http: HttpAnswer; mode: SandboxMode | 'unknown'; outcome: string }> {
  const route = deps.provider === 'payment-provider' ? CHARGES_PATH : SHIPMENTS_PATH;
  const method = event.requestContext?.http?.method ?? 'GET';
  if (event.rawPath !== route || method !== 'POST')
    return { http: answer(404, { error: 'not_found' }), mode: 'unknown', outcome: 'not_found' };
  const key = idempotencyKeySchema.safeParse(event.headers?.[IDEMPOTENCY_KEY_HEADER]);
  if (!key.success)
    return {
      http: answer(400, { error: 'invalid_request', message: `${IDEMPOTENCY_KEY_HEADER} header required` }),
      mode: 'unknown',
      outcome: 'invalid',
    };
  const text =
    event.body === undefined
      ? ''
      : event.isBase64Encoded
        ? Buffer.from(event.body, 'base64').toString('utf8')
        : event.body;
  const schema: z.ZodMiniType =
    deps.provider === 'payment-provider' ? ChargeRequestBody : ShipmentRequestBody;
  let parsed: unknown;
  try {
    parsed = schema.parse(JSON.parse(text));
  } catch {
    return {
      http: answer(400, { error: 'invalid_request', message: 'the body does not match the contract' }),
      mode: 'unknown',
      outcome: 'invalid',
    };
  }

  const mode = await deps.mode();
  if (mode === 'slow') await (deps.sleep ?? sleep)(deps.slowMs);
  const result =
    deps.provider === 'payment-provider'
      ? simulateCharge(mode, parsed as ChargeRequestBody)
      : simulateShipment(mode, parsed as ShipmentRequestBody);
  // An outage touches nothing: not the store either (it is what fails in an outage).
  if (result.status === 'unavailable') {
    return {
      http: answer(503, { error: 'unavailable', reason: (result as Outage).reason }),
      mode,
      outcome: 'unavailable',
    };
  }
  // Kept only if the key is new (one conditional write); a key seen before gets its first answer back.
  const fresh: Remembered = { statusCode: ANSWER_STATUS[result.status], body: JSON.stringify(result) };
  const won = await deps.answers.remember(`${deps.provider}#${key.data}`, text, fresh);
  if (won.kind !== 'new') return { http: replayed(won), mode, outcome: won.kind };
  return { http: answer(fresh.statusCode, result), mode, outcome: result.status };
}

function replayed(kept: { kind: 'replay'; answer: Remembered } | { kind: 'mismatch' }): HttpAnswer {
  if (kept.kind === 'mismatch')
    return answer(422, {
      error: 'idempotency_mismatch',
      message: 'this idempotency key was used with another request',
    });
  return {
    statusCode: kept.answer.statusCode,
    headers: { 'content-type': 'application/json', 'idempotent-replayed': 'true' },
    body: kept.answer.body,
  };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function providerFromEnvironment(): SandboxProvider {
  const value = process.env[SANDBOX_PROVIDER_ENV];
  if (!(SANDBOX_PROVIDERS as readonly string[]).includes(value ?? ''))
    throw new Error(`${SANDBOX_PROVIDER_ENV} must be one of ${SANDBOX_PROVIDERS.join(', ')}`);
  return value as SandboxProvider;
}

export const handler = withObservability<UrlEvent, HttpAnswer>(
  { service: 'sandbox' },
  async (event, _ctx, tools) => {
    const provider = providerFromEnvironment();
    const tableName = process.env[SANDBOX_TABLE_ENV];
    if (!tableName) throw new Error(`${SANDBOX_TABLE_ENV} is not set`);
    answers ??= dynamoAnswerStore(tableName, tools.captureClient(new DynamoDBClient({})));
    const modeName = discoveryParameterName(
      process.env.STAGE ?? '',
      'sandbox',
      sandboxParameter(provider, 'mode'),
    );
    const { http, mode, outcome } = await serveSandbox(event, {
      provider,
      answers,
      slowMs: Number(process.env[SANDBOX_SLOW_MS_ENV]) || 5_000,
      mode: async () => {
        // An unreadable or unknown mode is `ok`: the sandbox's default, as the issue asks.
        const value = await parameters.get(modeName, { maxAge: MODE_CACHE_SECONDS }).catch(() => undefined);
        return (SANDBOX_MODES as readonly string[]).includes(value ?? '') ? (value as SandboxMode) : 'ok';
      },
    });
    tools.metrics.addDimensions({ Provider: provider, Mode: mode, Outcome: outcome });
    tools.metrics.addMetric('SandboxCalls', MetricUnit.Count, 1);
    tools.logger.info('sandbox call', { provider, mode, outcome, statusCode: http.statusCode });
    return http;
  },
);
