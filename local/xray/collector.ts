/**
 * The X-Ray daemon's part: a UDP socket that takes the segment documents the X-Ray SDK sends (a
 * `{"format":"json","version":1}` line, then the JSON), grouped into traces kept in memory. In Lambda the
 * SDK only sends subsegments; the function's own segment is recorded by the local Lambda service.
 */
import { createSocket, type Socket } from 'node:dgram';
import type { AddressInfo } from 'node:net';

export interface SegmentDocument {
  readonly id: string;
  readonly trace_id: string;
  readonly name: string;
  readonly start_time: number;
  readonly end_time?: number;
  readonly in_progress?: boolean;
  readonly parent_id?: string;
  readonly type?: 'subsegment';
  readonly error?: boolean;
  readonly fault?: boolean;
  readonly throttle?: boolean;
  readonly [key: string]: unknown;
}

export interface TraceSummary {
  readonly id: string;
  readonly startTime: number;
  readonly duration: number;
  readonly segments: number;
  readonly names: readonly string[];
  readonly hasError: boolean;
  readonly hasFault: boolean;
}

export interface Trace {
  readonly id: string;
  readonly segments: readonly SegmentDocument[];
}

export class XRayCollector {
  private socket?: Socket;
  private readonly traces = new Map<string, SegmentDocument[]>();
  port = 0;

  constructor(private readonly maxTraces = 1_000) {}

  async start(): Promise<number> {
    const socket = createSocket('udp4');
    socket.on('message', (message) => this.receive(message));
    socket.on('error', () => {});
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
    socket.unref();
    this.socket = socket;
    this.port = (socket.address() as AddressInfo).port;
    return this.port;
  }

  /** `AWS_XRAY_DAEMON_ADDRESS` for the functions. */
  get daemonAddress(): string {
    return `127.0.0.1:${this.port}`;
  }

  record(segment: SegmentDocument): void {
    if (!segment.trace_id || !segment.id) return;
    let segments = this.traces.get(segment.trace_id);
    if (!segments) {
      segments = [];
      this.traces.set(segment.trace_id, segments);
      if (this.traces.size > this.maxTraces) {
        const oldest = this.traces.keys().next().value;
        if (oldest) this.traces.delete(oldest);
      }
    }
    // An in-progress document is replaced by the complete one with the same id.
    const existing = segments.findIndex((candidate) => candidate.id === segment.id);
    if (existing >= 0) segments[existing] = segment;
    else segments.push(segment);
  }

  list(): TraceSummary[] {
    return [...this.traces.entries()].map(([id, segments]) => summarize(id, segments)).reverse();
  }

  /** Every trace kept, oldest first (the API's reads). */
  allTraces(): Trace[] {
    return [...this.traces.entries()].map(([id, segments]) => ({ id, segments: [...segments] }));
  }

  get(traceId: string): Trace | undefined {
    const segments = this.traces.get(traceId);
    return segments ? { id: traceId, segments: [...segments] } : undefined;
  }

  stop(): void {
    this.socket?.close();
    this.socket = undefined;
  }

  private receive(message: Buffer): void {
    const text = message.toString('utf8');
    const newline = text.indexOf('\n');
    try {
      const document = JSON.parse(newline >= 0 ? text.slice(newline + 1) : text) as SegmentDocument;
      this.record(document);
    } catch {
      // A datagram that is not a segment document is dropped, as the daemon drops it.
    }
  }
}

function summarize(id: string, segments: SegmentDocument[]): TraceSummary {
  const start = Math.min(...segments.map((segment) => segment.start_time));
  const end = Math.max(...segments.map((segment) => segment.end_time ?? segment.start_time));
  return {
    id,
    startTime: start,
    duration: Math.max(0, end - start),
    segments: segments.length,
    names: [
      ...new Set(segments.filter((segment) => segment.type !== 'subsegment').map((segment) => segment.name)),
    ],
    hasError: segments.some((segment) => segment.error === true),
    hasFault: segments.some((segment) => segment.fault === true),
  };
}
