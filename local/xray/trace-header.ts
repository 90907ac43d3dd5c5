/** X-Ray trace ids and the `X-Amzn-Trace-Id` header (`Root=1-...;Parent=...;Sampled=1`). */
import { randomBytes } from 'node:crypto';

export interface TraceHeader {
  readonly root: string;
  readonly parent?: string;
  readonly sampled?: boolean;
}

export function newTraceId(now = Date.now()): string {
  return `1-${Math.floor(now / 1000)
    .toString(16)
    .padStart(8, '0')}-${randomBytes(12).toString('hex')}`;
}

export function newSegmentId(): string {
  return randomBytes(8).toString('hex');
}

export function parseTraceHeader(header: string | undefined): TraceHeader | undefined {
  if (!header) return undefined;
  const fields = new Map(
    header.split(';').map((part) => {
      const [key = '', value = ''] = part.trim().split('=');
      return [key, value] as const;
    }),
  );
  const root = fields.get('Root');
  if (!root) return undefined;
  const parent = fields.get('Parent');
  const sampled = fields.get('Sampled');
  return {
    root,
    ...(parent ? { parent } : {}),
    ...(sampled === '1' || sampled === '0' ? { sampled: sampled === '1' } : {}),
  };
}

export function formatTraceHeader(header: TraceHeader): string {
  return [
    `Root=${header.root}`,
    ...(header.parent ? [`Parent=${header.parent}`] : []),
    ...(header.sampled !== undefined ? [`Sampled=${header.sampled ? 1 : 0}`] : []),
  ].join(';');
}
