import { type Actor, type EventEnvelope, eventEnvelopeSchema } from './events/envelope.js';
import { isValidTraceparent } from './events/trace-context.js';

/**
 * What a Lambda invocation says about where it comes from: the CommerceForge envelopes it carries, or, when
 * it carries none (a GraphQL request, a Step Functions task given only ids), the loose correlation metadata
 * it has. Pure: no AWS SDK, no Powertools, so it is unit-tested on plain objects.
 */
export type IncomingKind = 'eventbridge' | 'sqs' | 'appsync' | 'direct';

export interface IncomingContext {
  readonly kind: IncomingKind;
  /** Every envelope found (one per SQS record that holds one). */
  readonly envelopes: readonly EventEnvelope[];
  readonly correlationId?: string | undefined;
  readonly causationId?: string | undefined;
  readonly traceparent?: string | undefined;
  readonly actor?: Actor | undefined;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

function asEnvelope(v: unknown): EventEnvelope | undefined {
  const r = eventEnvelopeSchema.safeParse(v);
  return r.success ? r.data : undefined;
}

/** An envelope directly, or inside an EventBridge event (`detail`), or under `envelope`/`event` (task input). */
function findEnvelope(v: unknown): EventEnvelope | undefined {
  if (!isObj(v)) return undefined;
  return asEnvelope(v) ?? asEnvelope(v.detail) ?? asEnvelope(v.envelope) ?? asEnvelope(v.event);
}

function parseJson(body: unknown): unknown {
  if (typeof body !== 'string') return undefined;
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

function header(headers: unknown, name: string): string | undefined {
  if (!isObj(headers)) return undefined;
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === name) return str(v);
  return undefined;
}

function appsyncActor(identity: unknown): Actor | undefined {
  if (!isObj(identity)) return undefined;
  const sub = str(identity.sub);
  if (sub) return { type: 'user', id: sub };
  const arn = str(identity.userArn);
  if (arn) return { type: 'service', id: arn };
  return undefined;
}

export function extractIncoming(event: unknown): IncomingContext {
  if (!isObj(event)) return { kind: 'direct', envelopes: [] };

  if (Array.isArray(event.Records)) {
    const envelopes = event.Records.flatMap((record) => {
      if (!isObj(record)) return [];
      const found = findEnvelope(parseJson(record.body));
      return found ? [found] : [];
    });
    return { kind: 'sqs', envelopes };
  }

  if ('detail-type' in event && 'detail' in event) {
    const found = asEnvelope(event.detail);
    return { kind: 'eventbridge', envelopes: found ? [found] : [] };
  }

  if ('arguments' in event && ('info' in event || 'identity' in event || 'request' in event)) {
    const headers = isObj(event.request) ? event.request.headers : undefined;
    const traceparent = header(headers, 'traceparent');
    return {
      kind: 'appsync',
      envelopes: [],
      correlationId: header(headers, 'x-correlation-id'),
      causationId: header(headers, 'x-amzn-requestid'),
      traceparent: traceparent && isValidTraceparent(traceparent) ? traceparent : undefined,
      actor: appsyncActor(event.identity),
    };
  }

  // Step Functions task input or a direct invoke: a whole envelope or EventBridge event, or loose ids.
  const found = findEnvelope(event);
  if (found) return { kind: 'direct', envelopes: [found] };
  const meta = isObj(event.metadata) ? event.metadata : event;
  const traceparent = str(meta.traceparent);
  return {
    kind: 'direct',
    envelopes: [],
    correlationId: str(meta.correlationId),
    causationId: str(meta.causationId),
    traceparent: traceparent && isValidTraceparent(traceparent) ? traceparent : undefined,
  };
}
