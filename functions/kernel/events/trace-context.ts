/**
 * W3C Trace Context (`traceparent`) helpers. EventBridge drops trace headers between a producer and its
 * targets, so the trace travels inside the envelope; these functions keep it well formed.
 *
 * Trace ids are made X-Ray compatible: the first 8 hex digits are the epoch seconds, as in an X-Ray root id
 * (`1-<8 hex time>-<24 hex>`). X-Ray ignores trace ids whose time part is far from now, so a purely random
 * 32-hex id would break the X-Ray side of the same trace.
 */

export const TRACEPARENT_PATTERN = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);

export interface TraceContext {
  readonly traceId: string;
  readonly spanId: string;
  readonly flags: string;
}

export function parseTraceparent(value: string): TraceContext | undefined {
  const match = TRACEPARENT_PATTERN.exec(value);
  if (!match) return undefined;
  const [, traceId, spanId, flags] = match as unknown as [string, string, string, string];
  // All-zero ids are explicitly invalid in the W3C spec.
  if (traceId === ZERO_TRACE || spanId === ZERO_SPAN) return undefined;
  return { traceId, spanId, flags };
}

export function isValidTraceparent(value: string): boolean {
  return parseTraceparent(value) !== undefined;
}

export function formatTraceparent(ctx: TraceContext): string {
  return `00-${ctx.traceId}-${ctx.spanId}-${ctx.flags}`;
}

/** A traceparent for the same trace, one hop further: same trace id and flags, the caller's new span id. */
export function childTraceparent(parent: string, newSpanId: string): string | undefined {
  const ctx = parseTraceparent(parent);
  if (!ctx) return undefined;
  return formatTraceparent({ ...ctx, spanId: newSpanId });
}

/** Build a trace id whose first 8 hex digits are the epoch seconds of `at` (X-Ray compatible). */
export function traceIdAt(at: Date, random24Hex: string): string {
  const seconds = Math.floor(at.getTime() / 1000)
    .toString(16)
    .padStart(8, '0')
    .slice(-8);
  return `${seconds}${random24Hex}`;
}

/** `Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1` → W3C trace context. */
export function traceContextFromXRay(header: string | undefined): TraceContext | undefined {
  if (!header) return undefined;
  const parts = new Map(
    header.split(';').map((kv) => {
      const i = kv.indexOf('=');
      return [kv.slice(0, i).trim(), kv.slice(i + 1).trim()] as const;
    }),
  );
  const root = /^1-([0-9a-f]{8})-([0-9a-f]{24})$/.exec(parts.get('Root') ?? '');
  if (!root) return undefined;
  const parent = parts.get('Parent');
  const spanId = parent && /^[0-9a-f]{16}$/.test(parent) ? parent : undefined;
  if (!spanId) return undefined;
  return { traceId: `${root[1]}${root[2]}`, spanId, flags: parts.get('Sampled') === '1' ? '01' : '00' };
}

/** The X-Ray form of a traceparent, for PutEvents' `TraceHeader`. */
export function xrayTraceHeader(traceparent: string): string | undefined {
  const ctx = parseTraceparent(traceparent);
  if (!ctx) return undefined;
  const sampled = (Number.parseInt(ctx.flags, 16) & 1) === 1 ? '1' : '0';
  return `Root=1-${ctx.traceId.slice(0, 8)}-${ctx.traceId.slice(8)};Parent=${ctx.spanId};Sampled=${sampled}`;
}
