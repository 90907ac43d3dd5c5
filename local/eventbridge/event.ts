/** An event as EventBridge builds it from a PutEvents entry and hands it to rules and targets. */
export interface EventBridgeEvent extends Record<string, unknown> {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: string;
  readonly account: string;
  /** ISO 8601 to the second, e.g. `2015-11-11T21:29:54Z`. */
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: Record<string, unknown>;
  /** Set on events a replay sends again. */
  readonly 'replay-name'?: string;
}

/** AWS writes event times to the second. */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
