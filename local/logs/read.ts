/**
 * Reading a log group's events: GetLogEvents (one stream, paged by sequence tokens) and FilterLogEvents (a
 * filter pattern over the group's streams, paged by the sequence to resume from).
 */
import { AwsError } from '../core/aws-service.js';
import { compileFilterPattern } from './filter-pattern.js';
import {
  decodeToken,
  encodeToken,
  FilterLogEventsInput,
  GetLogEventsInput,
  groupNameOf,
  invalidParameter,
  parse,
} from './input.js';
import type { LogGroup, LogStore } from './store.js';

/** FilterLogEvents' default page, as in AWS (up to 1 MB or 10,000 events). */
const DEFAULT_FILTER_LIMIT = 10_000;

/** GetLogEvents, paged by event sequence: `f` tokens read on from a sequence, `b` tokens back from one. */
export function getLogEvents(store: LogStore, existing: (name: string) => LogGroup, body: unknown) {
  const input = parse(GetLogEventsInput, body);
  const group = existing(groupNameOf(input));
  if (!group.streams.has(input.logStreamName))
    throw new AwsError('ResourceNotFoundException', 'The specified log stream does not exist.');
  const limit = input.limit ?? 10_000;
  const forwardFrom = input.nextToken?.startsWith('f')
    ? decodeToken('f', input.nextToken.slice(1))
    : undefined;
  const backwardFrom = input.nextToken?.startsWith('b')
    ? decodeToken('b', input.nextToken.slice(1))
    : undefined;
  if (input.nextToken !== undefined && forwardFrom === undefined && backwardFrom === undefined)
    throw invalidParameter('The next token is invalid.');
  const inStream = store
    .events(group)
    .filter(
      (e) =>
        e.logStreamName === input.logStreamName &&
        (input.startTime === undefined || e.timestamp >= input.startTime) &&
        (input.endTime === undefined || e.timestamp < input.endTime),
    );
  let page: typeof inStream;
  if (forwardFrom !== undefined) page = inStream.filter((e) => e.sequence >= forwardFrom).slice(0, limit);
  else if (backwardFrom !== undefined) page = inStream.filter((e) => e.sequence < backwardFrom).slice(-limit);
  else page = input.startFromHead ? inStream.slice(0, limit) : inStream.slice(-limit);
  const first = page[0]?.sequence ?? forwardFrom ?? backwardFrom ?? group.nextSequence;
  const last = page.at(-1)?.sequence;
  return {
    events: page.map((e) => ({
      timestamp: e.timestamp,
      message: e.message,
      ingestionTime: e.ingestionTime,
    })),
    nextForwardToken: `f${encodeToken('f', last !== undefined ? last + 1 : (forwardFrom ?? group.nextSequence))}`,
    nextBackwardToken: `b${encodeToken('b', first)}`,
  };
}

export function filterLogEvents(store: LogStore, existing: (name: string) => LogGroup, body: unknown) {
  const input = parse(FilterLogEventsInput, body);
  if (input.logStreamNames !== undefined && input.logStreamNamePrefix !== undefined)
    throw invalidParameter('logStreamNames and logStreamNamePrefix cannot be given together.');
  const group = existing(groupNameOf(input));
  const matches = compileFilterPattern(input.filterPattern);
  const from = decodeToken('seq', input.nextToken) ?? 0;
  const limit = input.limit ?? DEFAULT_FILTER_LIMIT;
  const streams = input.logStreamNames ? new Set(input.logStreamNames) : undefined;
  const events: Array<Record<string, unknown>> = [];
  let nextSequence: number | undefined;
  for (const e of store.events(group)) {
    if (e.sequence < from) continue;
    if (streams && !streams.has(e.logStreamName)) continue;
    if (input.logStreamNamePrefix !== undefined && !e.logStreamName.startsWith(input.logStreamNamePrefix))
      continue;
    if (input.startTime !== undefined && e.timestamp < input.startTime) continue;
    if (input.endTime !== undefined && e.timestamp > input.endTime) continue;
    if (!matches(e.message)) continue;
    if (events.length === limit) {
      nextSequence = e.sequence;
      break;
    }
    events.push({
      logStreamName: e.logStreamName,
      timestamp: e.timestamp,
      message: e.message,
      ingestionTime: e.ingestionTime,
      eventId: `${group.logGroupName.length}-${e.sequence}`,
    });
  }
  return {
    events,
    searchedLogStreams: [],
    ...(nextSequence !== undefined ? { nextToken: encodeToken('seq', nextSequence) } : {}),
  };
}
