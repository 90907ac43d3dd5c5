/**
 * A waterfall across Lambda, EventBridge and Step Functions for one trace id or one correlation id. X-Ray
 * only holds sampled traces, and EventBridge drops trace headers, so the waterfall joins three sources: the
 * X-Ray segments (functions with their cold starts, their subsegments nested), the executions (each state
 * from entered to exited) and the bus's events (accepted, then each target delivery) — matched by the trace
 * root or by the correlation id the events, executions' inputs and handlers' annotations carry.
 */

import type { StepFunctionsService } from '../stepfunctions/index.js';
import type { SegmentDocument, XRayCollector } from '../xray/index.js';
import { CORRELATION_FIELD, type EventIndex } from './events.js';
import { correlationInInput, traceRoot } from './sagas.js';
import { baseArn } from './service-map.js';

export type SpanKind = 'function' | 'subsegment' | 'execution' | 'state' | 'event' | 'delivery';

export interface Span {
  readonly id: string;
  readonly kind: SpanKind;
  readonly name: string;
  /** Epoch ms. */
  readonly start: number;
  readonly end: number;
  readonly depth: number;
  /** The span this one is part of (drawn under it). */
  readonly parent?: string;
  readonly coldStart?: boolean;
  readonly error?: boolean;
  readonly note?: string;
  readonly traceId?: string;
  readonly executionArn?: string;
  readonly eventId?: string;
}

export interface Waterfall {
  readonly traceIds: readonly string[];
  readonly correlationId?: string;
  readonly spans: readonly Span[];
}

export interface TraceSources {
  readonly xray: XRayCollector;
  readonly events: EventIndex;
  readonly stepFunctions?: StepFunctionsService;
}

export function waterfall(
  sources: TraceSources,
  query: { traceId?: string; correlationId?: string },
): Waterfall {
  const traceIds = new Set<string>(query.traceId ? [query.traceId] : []);
  const { correlationId } = query;
  if (correlationId) {
    for (const trace of sources.xray.allTraces())
      if (trace.segments.some((segment) => annotation(segment) === correlationId)) traceIds.add(trace.id);
  }
  const executions = (sources.stepFunctions?.listExecutions() ?? []).filter((description) => {
    const root = traceRoot(sources.stepFunctions?.getExecution(description.executionArn).request.traceHeader);
    return (
      (correlationId !== undefined && correlationInInput(description.input) === correlationId) ||
      (root !== undefined && traceIds.has(root))
    );
  });
  for (const description of executions) {
    const root = traceRoot(sources.stepFunctions?.getExecution(description.executionArn).request.traceHeader);
    if (root && sources.xray.get(root)) traceIds.add(root);
  }

  const spans: Span[] = [];
  for (const traceId of traceIds) spans.push(...segmentSpans(sources.xray, traceId));
  for (const description of executions) {
    const execution = sources.stepFunctions!.getExecution(description.executionArn);
    const start = description.startDate.getTime();
    const end = description.stopDate?.getTime() ?? Date.now();
    spans.push({
      id: description.executionArn,
      kind: 'execution',
      name: `${description.stateMachineArn.split(':').pop()} ${description.name}`,
      start,
      end,
      depth: 0,
      error: description.status !== 'SUCCEEDED' && description.status !== 'RUNNING',
      note: description.status,
      executionArn: description.executionArn,
    });
    const entered = new Map<string, number>();
    const failed = new Set<string>();
    let current: string | undefined;
    for (const event of execution.events) {
      const details = Object.entries(event).find(([key]) => key.endsWith('EventDetails'))?.[1] as
        | { name?: string }
        | undefined;
      if (event.type.endsWith('StateEntered') && details?.name) {
        entered.set(details.name, event.timestamp.getTime());
        failed.delete(details.name);
        current = details.name;
      }
      // The state's last attempt failed (a retry that succeeds clears it).
      if (/(Failed|TimedOut)$/.test(event.type) && !event.type.startsWith('Execution') && current)
        failed.add(current);
      if (/Succeeded$/.test(event.type) && current) failed.delete(current);
      if (event.type.endsWith('StateExited') && details?.name) {
        spans.push({
          id: `${description.executionArn}#${event.id}`,
          kind: 'state',
          name: details.name,
          start: entered.get(details.name) ?? event.timestamp.getTime(),
          end: event.timestamp.getTime(),
          depth: 1,
          parent: description.executionArn,
          error: failed.has(details.name),
          executionArn: description.executionArn,
        });
      }
    }
  }
  if (correlationId) {
    for (const accepted of sources.events.byCorrelation(correlationId)) {
      const at = sources.events.acceptedAt(accepted.event.id) ?? Date.parse(accepted.event.time);
      const deliveries = sources.events.deliveriesOf(accepted.event.id);
      const last = Math.max(at, ...deliveries.map((d) => Date.parse(d.at)));
      spans.push({
        id: accepted.event.id,
        kind: 'event',
        name: `${accepted.event['detail-type']} (${accepted.event.source})`,
        start: at,
        end: last,
        depth: 0,
        note: `${accepted.matchedRules.length} rule(s) matched`,
        eventId: accepted.event.id,
      });
      for (const delivery of deliveries) {
        spans.push({
          id: `${accepted.event.id}#${delivery.rule}#${delivery.targetId}`,
          kind: 'delivery',
          name: `→ ${baseArn(delivery.targetArn).split(/[:/]/).pop()}`,
          start: at,
          end: Date.parse(delivery.at),
          depth: 1,
          parent: accepted.event.id,
          error: delivery.status !== 'delivered' && delivery.status !== 'retrying',
          note: `${delivery.status}${delivery.attempts > 1 ? ` after ${delivery.attempts} attempts` : ''} (${delivery.rule})`,
          eventId: accepted.event.id,
        });
      }
    }
  }
  return { traceIds: [...traceIds], ...(correlationId ? { correlationId } : {}), spans: treeOrder(spans) };
}

/** A function's segment and its subsegments (the SDK sends them apart), nested by parent. */
function segmentSpans(xray: XRayCollector, traceId: string): Span[] {
  const trace = xray.get(traceId);
  if (!trace) return [];
  const children = new Map<string, SegmentDocument[]>();
  for (const segment of trace.segments) {
    if (!segment.parent_id) continue;
    children.set(segment.parent_id, [...(children.get(segment.parent_id) ?? []), segment]);
  }
  const ids = new Set(trace.segments.map((segment) => segment.id));
  const roots = trace.segments.filter((segment) => !segment.parent_id || !ids.has(segment.parent_id));
  const spans: Span[] = [];
  const visit = (segment: SegmentDocument, depth: number, parent?: string) => {
    const aws = segment.aws as { cold_start?: boolean; operation?: string } | undefined;
    const isFunction = segment.type !== 'subsegment';
    spans.push({
      id: `${traceId}#${segment.id}`,
      kind: isFunction ? 'function' : 'subsegment',
      name: aws?.operation ? `${segment.name} ${aws.operation}` : segment.name,
      start: segment.start_time * 1000,
      end: (segment.end_time ?? segment.start_time) * 1000,
      depth,
      ...(parent ? { parent } : {}),
      ...(isFunction ? { coldStart: aws?.cold_start === true } : {}),
      error: segment.error === true || segment.fault === true,
      traceId,
    });
    for (const child of children.get(segment.id) ?? []) visit(child, depth + 1, `${traceId}#${segment.id}`);
  };
  for (const root of roots) visit(root, 0);
  return spans;
}

/** Each span right after its parent, siblings by start: a waterfall reads as a tree. */
export function treeOrder(spans: readonly Span[]): Span[] {
  const ids = new Set(spans.map((span) => span.id));
  const children = new Map<string | undefined, Span[]>();
  for (const span of spans) {
    const parent = span.parent !== undefined && ids.has(span.parent) ? span.parent : undefined;
    children.set(parent, [...(children.get(parent) ?? []), span]);
  }
  const ordered: Span[] = [];
  const visit = (parent: string | undefined) => {
    const siblings = (children.get(parent) ?? []).sort((a, b) => a.start - b.start);
    for (const span of siblings) {
      ordered.push(span);
      visit(span.id);
    }
  };
  visit(undefined);
  return ordered;
}

function annotation(segment: SegmentDocument): string | undefined {
  const value = (segment.annotations as Record<string, unknown> | undefined)?.[CORRELATION_FIELD];
  return typeof value === 'string' ? value : undefined;
}
