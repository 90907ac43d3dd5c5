/**
 * FIS's experiment log records (log schema version 2: `id`, `log_type`, `event_timestamp`, `version`,
 * `details` whose fields depend on `log_type`), as FIS writes them to a template's CloudWatch Logs log group.
 */

export type LogType =
  | 'experiment-start'
  | 'target-resolution-start'
  | 'target-resolution-detail'
  | 'target-resolution-end'
  | 'action-start'
  | 'action-error'
  | 'action-end'
  | 'experiment-end';

export interface ExperimentLogRecord {
  readonly id: string;
  readonly log_type: LogType;
  readonly event_timestamp: string;
  readonly version: '2';
  readonly details: Readonly<Record<string, unknown>>;
}

/** FIS's timestamp format: ISO 8601 to the second, `Z`. */
export function logTimestamp(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

export function logRecord(
  experimentId: string,
  logType: LogType,
  at: number,
  details: Record<string, unknown>,
): ExperimentLogRecord {
  return { id: experimentId, log_type: logType, event_timestamp: logTimestamp(at), version: '2', details };
}

/** The log group's name from the ARN a template's `logGroupArn` gives (with or without the `:*`). */
export function logGroupNameOf(logGroupArn: string): string | undefined {
  return /:log-group:([^:]+)(?::\*)?$/.exec(logGroupArn)?.[1];
}
