/**
 * What the console shows of the bus: each accepted event with the rules it matched and where each target
 * delivery went (delivered, retrying, its dead-letter queue, dropped). Fed by the local EventBridge's
 * `onEvent`/`onDelivery` listeners from the start, so nothing is missed between page loads; bounded.
 */
import type { AcceptedEvent, DeliveryRecord } from '../eventbridge/index.js';
import { baseArn } from './service-map.js';

export interface DeliverySummary {
  readonly rule: string;
  readonly targetId: string;
  readonly targetArn: string;
  readonly status: DeliveryRecord['status'];
  readonly attempts: number;
  readonly at: string;
  readonly deadLetterArn?: string;
  readonly errorCode?: string;
  readonly errorMessage?: string;
}

export interface EventSummary {
  readonly id: string;
  readonly time: string;
  readonly bus: string;
  readonly source: string;
  readonly detailType: string;
  readonly correlationId?: string;
  readonly matchedRules: readonly string[];
}

export interface EventFilter {
  readonly detailType?: string;
  readonly source?: string;
  readonly correlationId?: string;
}

/** The field of an event's detail that ties an operation's events, executions and traces together. */
export const CORRELATION_FIELD = 'correlationId';

export function correlationOf(value: unknown): string | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const direct = (value as Record<string, unknown>)[CORRELATION_FIELD];
  return typeof direct === 'string' ? direct : undefined;
}

export function summarize(accepted: AcceptedEvent): EventSummary {
  const { event } = accepted;
  const correlationId = correlationOf(event.detail);
  return {
    id: event.id,
    time: event.time,
    bus: accepted.eventBusName,
    source: event.source,
    detailType: event['detail-type'],
    ...(correlationId ? { correlationId } : {}),
    matchedRules: accepted.matchedRules,
  };
}

export function matches(summary: EventSummary, filter: EventFilter): boolean {
  const has = (value: string | undefined, wanted: string | undefined) =>
    !wanted || (value ?? '').toLowerCase().includes(wanted.toLowerCase());
  return (
    has(summary.detailType, filter.detailType) &&
    has(summary.source, filter.source) &&
    has(summary.correlationId, filter.correlationId)
  );
}

export function filterOf(params: URLSearchParams): EventFilter {
  const value = (name: string) => params.get(name)?.slice(0, 200) || undefined;
  const detailType = value('detailType');
  const source = value('source');
  const correlationId = value('correlationId');
  return {
    ...(detailType ? { detailType } : {}),
    ...(source ? { source } : {}),
    ...(correlationId ? { correlationId } : {}),
  };
}

export class EventIndex {
  private readonly events = new Map<string, AcceptedEvent>();
  /** When the bus took each event (ms): the envelope's `time` has whole seconds only. */
  private readonly received = new Map<string, number>();
  private readonly deliveries = new Map<string, Map<string, DeliverySummary>>();
  /** Deliveries that ended per rule and target (the service map's edge counts). */
  readonly delivered = new Map<string, number>();
  readonly deadLettered = new Map<string, number>();

  constructor(private readonly limit = 2_000) {}

  addEvent(accepted: AcceptedEvent, at = Date.now()): void {
    this.events.set(accepted.event.id, accepted);
    this.received.set(accepted.event.id, at);
    if (this.events.size > this.limit) {
      const oldest = this.events.keys().next().value;
      if (oldest !== undefined) {
        this.events.delete(oldest);
        this.received.delete(oldest);
        this.deliveries.delete(oldest);
      }
    }
  }

  addDelivery(record: DeliveryRecord): DeliverySummary {
    const summary: DeliverySummary = {
      rule: record.ruleName,
      targetId: record.targetId,
      targetArn: record.targetArn,
      status: record.status,
      attempts: record.attempts,
      at: record.at,
      ...(record.deadLetterArn ? { deadLetterArn: record.deadLetterArn } : {}),
      ...(record.errorCode ? { errorCode: record.errorCode } : {}),
      ...(record.errorMessage ? { errorMessage: record.errorMessage } : {}),
    };
    let perTarget = this.deliveries.get(record.eventId);
    if (!perTarget) {
      perTarget = new Map();
      if (this.events.has(record.eventId)) this.deliveries.set(record.eventId, perTarget);
    }
    // The latest word per target: a retry is followed by its outcome.
    perTarget.set(`${record.ruleName}|${record.targetId}`, summary);
    const key = `${record.ruleName}|${baseArn(record.targetArn)}`;
    if (record.status === 'delivered') this.delivered.set(key, (this.delivered.get(key) ?? 0) + 1);
    if (record.status === 'dead-lettered') this.deadLettered.set(key, (this.deadLettered.get(key) ?? 0) + 1);
    return summary;
  }

  /** The newest first, at most `limit`. */
  list(filter: EventFilter, limit = 200): Array<EventSummary & { deliveries: DeliverySummary[] }> {
    const out: Array<EventSummary & { deliveries: DeliverySummary[] }> = [];
    for (const accepted of [...this.events.values()].reverse()) {
      const summary = summarize(accepted);
      if (!matches(summary, filter)) continue;
      out.push({ ...summary, deliveries: this.deliveriesOf(summary.id) });
      if (out.length >= limit) break;
    }
    return out;
  }

  get(id: string): { envelope: unknown; summary: EventSummary; deliveries: DeliverySummary[] } | undefined {
    const accepted = this.events.get(id);
    if (!accepted) return undefined;
    return { envelope: accepted.event, summary: summarize(accepted), deliveries: this.deliveriesOf(id) };
  }

  /** Every event whose detail carries this correlation id, oldest first. */
  byCorrelation(correlationId: string): AcceptedEvent[] {
    return [...this.events.values()].filter((a) => correlationOf(a.event.detail) === correlationId);
  }

  acceptedAt(id: string): number | undefined {
    return this.received.get(id);
  }

  deliveriesOf(id: string): DeliverySummary[] {
    return [...(this.deliveries.get(id)?.values() ?? [])];
  }
}
