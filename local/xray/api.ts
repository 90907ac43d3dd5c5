/**
 * X-Ray's read API over the collected traces, in X-Ray's REST shapes (what the SDK and the CLI speak):
 * `POST /TraceSummaries` (GetTraceSummaries: a time range in epoch seconds, a filter expression) and
 * `POST /Traces` (BatchGetTraces: up to 5 ids). A trace's subsegments, which the SDK sends apart, are nested
 * back into their parent segment's document, as X-Ray stores them.
 *
 * Joining with sagas and events: every CommerceForge handler annotates its subsegment with the envelope's
 * `correlationId` (functions/kernel/observability.ts), so `annotation.correlationId = "<id>"` finds an
 * order's traces, and each summary lists its `correlationId` annotation values.
 */
import * as z from 'zod';
import { AwsError } from '../core/aws-service.js';
import { type HttpRequest, type HttpResponse, json, type Router } from '../server/router.js';
import type { SegmentDocument, Trace, XRayCollector } from './collector.js';
import { compileFilterExpression, type TraceFacts } from './filter-expression.js';

const SummariesInput = z.object({
  StartTime: z.number(),
  EndTime: z.number(),
  TimeRangeType: z.enum(['TraceId', 'Event', 'Service']).optional(),
  Sampling: z.boolean().optional(),
  FilterExpression: z.string().max(2000).optional(),
  NextToken: z.string().max(200).optional(),
});
const TracesInput = z.object({
  TraceIds: z.array(z.string().min(1).max(64)).min(1).max(5),
  NextToken: z.string().optional(),
});

const PAGE = 100;
/** X-Ray answers a range of at most 24 hours. */
const MAX_RANGE_SECONDS = 24 * 3600;

export function registerXRayApi(router: Router, collector: XRayCollector): void {
  router.addRoute('POST', /^\/TraceSummaries\/?$/, (request) =>
    answer(() => getTraceSummaries(collector, body(request))),
  );
  router.addRoute('POST', /^\/Traces\/?$/, (request) =>
    answer(() => batchGetTraces(collector, body(request))),
  );
}

export function getTraceSummaries(collector: XRayCollector, raw: unknown) {
  const input = parse(SummariesInput, raw);
  if (input.EndTime < input.StartTime) throw invalid('EndTime is before StartTime.');
  if (input.EndTime - input.StartTime > MAX_RANGE_SECONDS)
    throw invalid('The time range is longer than 24 hours.');
  const matches = compileFilterExpression(input.FilterExpression);
  const offset = input.NextToken === undefined ? 0 : Number(input.NextToken);
  if (!Number.isInteger(offset) || offset < 0) throw invalid('The next token is invalid.');
  const summaries = collector
    .allTraces()
    .map((trace) => ({ trace, facts: factsOf(trace) }))
    .filter(({ trace, facts }) => {
      const at = input.TimeRangeType === 'TraceId' ? traceIdSeconds(trace.id) : facts.startTime;
      return at >= input.StartTime && at <= input.EndTime && matches(facts);
    })
    .reverse()
    .map(({ trace, facts }) => summaryOf(trace, facts));
  const page = summaries.slice(offset, offset + PAGE);
  return {
    TraceSummaries: page,
    ApproximateTime: Date.now() / 1000,
    TracesProcessedCount: summaries.length,
    ...(offset + PAGE < summaries.length ? { NextToken: String(offset + PAGE) } : {}),
  };
}

export function batchGetTraces(collector: XRayCollector, raw: unknown) {
  const input = parse(TracesInput, raw);
  const traces = [];
  const unprocessed = [];
  for (const id of input.TraceIds) {
    const trace = collector.get(id);
    if (!trace) {
      unprocessed.push(id);
      continue;
    }
    const facts = factsOf(trace);
    traces.push({
      Id: trace.id,
      Duration: facts.duration,
      LimitExceeded: false,
      Segments: nest(trace.segments).map((document) => ({
        Id: document.id,
        Document: JSON.stringify(document),
      })),
    });
  }
  return { Traces: traces, UnprocessedTraceIds: unprocessed };
}

interface Facts extends TraceFacts {
  readonly startTime: number;
}

function factsOf(trace: Trace): Facts {
  const annotations = new Map<string, Set<string | number | boolean>>();
  const services = new Set<string>();
  let start = Number.POSITIVE_INFINITY;
  let end = Number.NEGATIVE_INFINITY;
  let root: SegmentDocument | undefined;
  for (const segment of trace.segments) {
    start = Math.min(start, segment.start_time);
    end = Math.max(end, segment.end_time ?? segment.start_time);
    if (segment.type !== 'subsegment') {
      services.add(segment.name);
      if (!segment.parent_id && !root) root = segment;
    }
    collectAnnotations(segment, annotations, 0);
  }
  const first = root ?? trace.segments.find((s) => s.type !== 'subsegment');
  return {
    annotations,
    services,
    hasError: trace.segments.some((s) => s.error === true),
    hasFault: trace.segments.some((s) => s.fault === true),
    hasThrottle: trace.segments.some((s) => s.throttle === true),
    duration: Number.isFinite(start) ? Math.max(0, end - start) : 0,
    responseTime: first ? Math.max(0, (first.end_time ?? first.start_time) - first.start_time) : 0,
    startTime: Number.isFinite(start) ? start : 0,
  };
}

function collectAnnotations(
  segment: Record<string, unknown>,
  into: Map<string, Set<string | number | boolean>>,
  depth: number,
) {
  const annotations = segment.annotations;
  if (annotations && typeof annotations === 'object')
    for (const [key, value] of Object.entries(annotations))
      if (['string', 'number', 'boolean'].includes(typeof value)) {
        let values = into.get(key);
        if (!values) {
          values = new Set();
          into.set(key, values);
        }
        values.add(value as string | number | boolean);
      }
  if (Array.isArray(segment.subsegments) && depth < 32)
    for (const child of segment.subsegments)
      collectAnnotations(child as Record<string, unknown>, into, depth + 1);
}

function summaryOf(trace: Trace, facts: Facts) {
  const annotationValue = (value: string | number | boolean) =>
    typeof value === 'number'
      ? { NumberValue: value }
      : typeof value === 'boolean'
        ? { BooleanValue: value }
        : { StringValue: value };
  return {
    Id: trace.id,
    StartTime: facts.startTime,
    Duration: facts.duration,
    ResponseTime: facts.responseTime,
    HasFault: facts.hasFault,
    HasError: facts.hasError,
    HasThrottle: facts.hasThrottle,
    IsPartial: trace.segments.some((s) => s.in_progress === true),
    Annotations: Object.fromEntries(
      [...facts.annotations].map(([key, values]) => [
        key,
        [...values].map((value) => ({ AnnotationValue: annotationValue(value) })),
      ]),
    ),
    ServiceIds: [...facts.services].map((name) => ({
      Name: name,
      Names: [name],
      Type: 'AWS::Lambda::Function',
    })),
  };
}

/** Subsegments sent apart, put back under their parent (a segment or another subsegment). */
function nest(segments: readonly SegmentDocument[]): Record<string, unknown>[] {
  const copies = new Map(segments.map((s) => [s.id, { ...s } as Record<string, unknown>]));
  const top: Record<string, unknown>[] = [];
  for (const segment of segments) {
    const copy = copies.get(segment.id)!;
    const parent =
      segment.type === 'subsegment' && segment.parent_id ? copies.get(segment.parent_id) : undefined;
    if (parent && parent !== copy) {
      const children = (parent.subsegments as unknown[] | undefined) ?? [];
      if (!children.some((c) => (c as { id?: string }).id === segment.id)) children.push(copy);
      parent.subsegments = children;
    } else top.push(copy);
  }
  return top;
}

function traceIdSeconds(id: string): number {
  return Number.parseInt(id.split('-')[1] ?? '0', 16);
}

function body(request: HttpRequest): unknown {
  if (request.body.length === 0) return {};
  try {
    return JSON.parse(request.body.toString('utf8'));
  } catch {
    throw invalid('The request body is not valid JSON.');
  }
}

function parse<T>(schema: z.ZodType<T>, raw: unknown): T {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw invalid(`${issue?.path.join('.') || 'request'}: ${issue?.message}`);
}

function invalid(message: string) {
  return new AwsError('InvalidRequestException', message);
}

async function answer(run: () => unknown): Promise<HttpResponse> {
  try {
    return json(200, run());
  } catch (error) {
    if (!(error instanceof AwsError)) throw error;
    return json(error.statusCode, { message: error.message }, { 'x-amzn-errortype': error.code });
  }
}
