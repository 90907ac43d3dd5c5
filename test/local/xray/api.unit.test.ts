import { describe, expect, it } from 'vitest';
import { AwsError } from '../../../local/core/aws-service.js';
import { batchGetTraces, getTraceSummaries } from '../../../local/xray/api.js';
import { XRayCollector } from '../../../local/xray/collector.js';
import { compileFilterExpression } from '../../../local/xray/filter-expression.js';

const T0 = 1_765_000_000; // epoch seconds
const traceA = `1-${T0.toString(16)}-aaaaaaaaaaaaaaaaaaaaaaaa`;
const traceB = `1-${(T0 + 10).toString(16)}-bbbbbbbbbbbbbbbbbbbbbbbb`;

function collector(): XRayCollector {
  const c = new XRayCollector();
  c.record({ id: 'seg-a', trace_id: traceA, name: 'orders-commands', start_time: T0, end_time: T0 + 0.5 });
  c.record({
    id: 'sub-a',
    trace_id: traceA,
    parent_id: 'seg-a',
    type: 'subsegment',
    name: '## handler',
    start_time: T0 + 0.1,
    end_time: T0 + 0.4,
    annotations: { correlationId: 'c1', ColdStart: true },
  });
  c.record({
    id: 'seg-b',
    trace_id: traceB,
    name: 'payments-charge',
    start_time: T0 + 10,
    end_time: T0 + 12,
    fault: true,
  });
  c.record({
    id: 'sub-b',
    trace_id: traceB,
    parent_id: 'seg-b',
    type: 'subsegment',
    name: '## handler',
    start_time: T0 + 10,
    end_time: T0 + 11,
    annotations: { correlationId: 'c2' },
  });
  return c;
}

const range = { StartTime: T0 - 5, EndTime: T0 + 60 };

describe('the local X-Ray API', () => {
  it('summarizes traces in the range, newest first, with annotations and services', () => {
    const out = getTraceSummaries(collector(), range);
    expect(out.TraceSummaries.map((s) => s.Id)).toEqual([traceB, traceA]);
    expect(out.TraceSummaries[1]).toMatchObject({
      Id: traceA,
      Duration: 0.5,
      HasFault: false,
      Annotations: {
        correlationId: [{ AnnotationValue: { StringValue: 'c1' } }],
        ColdStart: [{ AnnotationValue: { BooleanValue: true } }],
      },
      ServiceIds: [{ Name: 'orders-commands' }],
    });
    expect(
      getTraceSummaries(collector(), { StartTime: T0 + 5, EndTime: T0 + 60 }).TraceSummaries,
    ).toHaveLength(1);
  });

  it('filters by annotation, service, fault and duration', () => {
    const ids = (FilterExpression: string) =>
      getTraceSummaries(collector(), { ...range, FilterExpression }).TraceSummaries.map((s) => s.Id);
    expect(ids('annotation.correlationId = "c1"')).toEqual([traceA]);
    expect(ids('annotation.correlationId != "c1"')).toEqual([traceB]);
    expect(ids('service("payments-charge") AND fault')).toEqual([traceB]);
    expect(ids('duration > 1 OR annotation.ColdStart = true')).toEqual([traceB, traceA]);
    expect(ids('NOT fault')).toEqual([traceA]);
    expect(ids('ok AND responsetime < 1')).toEqual([traceA]);
  });

  it('returns whole traces with subsegments nested in their segment, and the unknown ids apart', () => {
    const out = batchGetTraces(collector(), { TraceIds: [traceA, '1-00000000-000000000000000000000000'] });
    expect(out.UnprocessedTraceIds).toEqual(['1-00000000-000000000000000000000000']);
    expect(out.Traces).toHaveLength(1);
    const documents = out.Traces[0]!.Segments.map((s) => JSON.parse(s.Document));
    expect(documents).toHaveLength(1);
    expect(documents[0]).toMatchObject({ id: 'seg-a', subsegments: [{ id: 'sub-a', name: '## handler' }] });
  });

  it('refuses malformed requests and expressions it does not run', () => {
    expect(() => getTraceSummaries(collector(), { StartTime: 'soon' })).toThrow(AwsError);
    expect(() => getTraceSummaries(collector(), { StartTime: T0, EndTime: T0 + 2 * 86_400 })).toThrow(
      /24 hours/,
    );
    expect(() => batchGetTraces(collector(), { TraceIds: [] })).toThrow(AwsError);
    for (const expression of ['http.url = "x"', 'annotation.a >', 'annotation.a = "x" AND', 'edge("a", "b")'])
      expect(() => compileFilterExpression(expression), expression).toThrow(/Invalid filter expression/);
  });
});
