/**
 * The local CloudWatch Logs' memory: log groups, their streams and events, bounded. Each group keeps at most
 * `maxEventsPerGroup` events (default 2,000, `LOCAL_LOGS_MAX_EVENTS_PER_GROUP`): beyond it the oldest are
 * dropped, a few hundred at a time so a busy group does not move its array on every line. A stream keeps only
 * its metadata; its events are the group's with its name. Some forty function groups at the cap hold a few
 * tens of MB: enough for a test's or a game day's recent past, not an archive.
 */

export interface LogEvent {
  /** Epoch ms, as Logs' API gives them. */
  readonly timestamp: number;
  readonly ingestionTime: number;
  readonly message: string;
  readonly logStreamName: string;
  /** Increasing within the group: an event's id and the place a paginated read resumes from. */
  readonly sequence: number;
}

export interface LogStream {
  readonly logStreamName: string;
  readonly creationTime: number;
  firstEventTimestamp?: number;
  lastEventTimestamp?: number;
  lastIngestionTime?: number;
  storedBytes: number;
}

export interface LogGroup {
  readonly logGroupName: string;
  readonly arn: string;
  readonly creationTime: number;
  readonly retentionInDays?: number;
  readonly streams: Map<string, LogStream>;
  /** Oldest first. */
  events: LogEvent[];
  nextSequence: number;
  storedBytes: number;
}

export const MAX_EVENTS_ENV = 'LOCAL_LOGS_MAX_EVENTS_PER_GROUP';
const DEFAULT_MAX_EVENTS = 2_000;
/** A message longer than CloudWatch Logs' event limit (256 KB) is cut, as Lambda's log agent cuts it. */
const MAX_MESSAGE = 256 * 1024 - 26;

export class LogStore {
  readonly groups = new Map<string, LogGroup>();
  readonly maxEventsPerGroup: number;

  constructor(
    private readonly arnOf: (name: string) => string,
    maxEventsPerGroup?: number,
  ) {
    const configured = Number(process.env[MAX_EVENTS_ENV]);
    this.maxEventsPerGroup =
      maxEventsPerGroup ?? (Number.isInteger(configured) && configured > 0 ? configured : DEFAULT_MAX_EVENTS);
  }

  /** The group, created when it does not exist (a function's first line creates its group, as in Lambda). */
  group(name: string, retentionInDays?: number, now = Date.now()): LogGroup {
    let group = this.groups.get(name);
    if (!group) {
      group = {
        logGroupName: name,
        arn: this.arnOf(name),
        creationTime: now,
        ...(retentionInDays !== undefined ? { retentionInDays } : {}),
        streams: new Map(),
        events: [],
        nextSequence: 0,
        storedBytes: 0,
      };
      this.groups.set(name, group);
    }
    return group;
  }

  append(groupName: string, streamName: string, message: string, timestamp: number, now = Date.now()): void {
    const group = this.group(groupName, undefined, now);
    let stream = group.streams.get(streamName);
    if (!stream) {
      stream = { logStreamName: streamName, creationTime: now, storedBytes: 0 };
      group.streams.set(streamName, stream);
    }
    const text = message.length > MAX_MESSAGE ? message.slice(0, MAX_MESSAGE) : message;
    group.events.push({
      timestamp,
      ingestionTime: now,
      message: text,
      logStreamName: streamName,
      sequence: group.nextSequence++,
    });
    stream.firstEventTimestamp ??= timestamp;
    stream.lastEventTimestamp = Math.max(stream.lastEventTimestamp ?? timestamp, timestamp);
    stream.lastIngestionTime = now;
    stream.storedBytes += text.length;
    group.storedBytes += text.length;
    const over = group.events.length - this.maxEventsPerGroup;
    if (over > 0 && (over >= 256 || over >= this.maxEventsPerGroup / 8)) {
      for (const dropped of group.events.splice(0, over)) group.storedBytes -= dropped.message.length;
    }
  }

  /** The group's events, oldest first, up to the cap (what is beyond it is about to be dropped). */
  events(group: LogGroup): readonly LogEvent[] {
    const over = group.events.length - this.maxEventsPerGroup;
    return over > 0 ? group.events.slice(over) : group.events;
  }
}
