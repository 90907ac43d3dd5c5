/**
 * The local CloudWatch Logs API on the endpoint (`Logs_20140328.*`, JSON 1.1, what the SDK and the CLI both
 * speak): log groups and streams, GetLogEvents, FilterLogEvents, Logs Insights queries (run at once when
 * started, kept for GetQueryResults: the last 20), and the templates' saved query definitions.
 */
import { randomUUID } from 'node:crypto';
import { AwsError, type AwsJsonService } from '../core/aws-service.js';
import {
  CreateLogGroupInput,
  CreateLogStreamInput,
  DescribeLogGroupsInput,
  DescribeLogStreamsInput,
  DescribeQueriesInput,
  DescribeQueryDefinitionsInput,
  decodeToken,
  encodeToken,
  groupNameOf,
  groupNotFound,
  invalidParameter,
  nameOfIdentifier,
  PutLogEventsInput,
  parse,
  QueryIdInput,
  StartQueryInput,
} from './input.js';
import { parseQuery } from './insights-parse.js';
import { type QueryInput, type QueryOutput, runQuery } from './insights-run.js';
import { filterLogEvents, getLogEvents } from './read.js';
import type { LogGroup, LogStore } from './store.js';

export interface QueryDefinition {
  readonly queryDefinitionId: string;
  readonly name: string;
  readonly queryString: string;
  readonly logGroupNames: readonly string[];
  readonly lastModified: number;
}

interface StoredQuery {
  readonly queryId: string;
  readonly queryString: string;
  readonly logGroupNames: readonly string[];
  readonly createTime: number;
  status: 'Complete' | 'Cancelled';
  readonly output: QueryOutput;
}

const MAX_QUERIES = 20;

export class LogsService implements AwsJsonService {
  readonly targetPrefix = 'Logs_20140328';
  readonly signingName = 'logs';
  private readonly queries = new Map<string, StoredQuery>();

  constructor(
    readonly store: LogStore,
    readonly definitions: readonly QueryDefinition[],
    private readonly accountId: string,
    private readonly now: () => number = Date.now,
  ) {}

  async handle(operation: string, body: unknown): Promise<unknown> {
    switch (operation) {
      case 'CreateLogGroup': {
        const { logGroupName } = parse(CreateLogGroupInput, body);
        if (this.store.groups.has(logGroupName))
          throw new AwsError('ResourceAlreadyExistsException', 'The specified log group already exists');
        this.store.group(logGroupName, undefined, this.now());
        return {};
      }
      case 'CreateLogStream': {
        const input = parse(CreateLogStreamInput, body);
        const group = this.existing(input.logGroupName);
        if (group.streams.has(input.logStreamName))
          throw new AwsError('ResourceAlreadyExistsException', 'The specified log stream already exists');
        group.streams.set(input.logStreamName, {
          logStreamName: input.logStreamName,
          creationTime: this.now(),
          storedBytes: 0,
        });
        return {};
      }
      case 'PutLogEvents': {
        const input = parse(PutLogEventsInput, body);
        const group = this.existing(input.logGroupName);
        if (!group.streams.has(input.logStreamName))
          throw new AwsError('ResourceNotFoundException', 'The specified log stream does not exist.');
        const now = this.now();
        for (const event of input.logEvents)
          this.store.append(input.logGroupName, input.logStreamName, event.message, event.timestamp, now);
        return {};
      }
      case 'DescribeLogGroups':
        return this.describeLogGroups(body);
      case 'DescribeLogStreams':
        return this.describeLogStreams(body);
      case 'GetLogEvents':
        return getLogEvents(this.store, (name) => this.existing(name), body);
      case 'FilterLogEvents':
        return filterLogEvents(this.store, (name) => this.existing(name), body);
      case 'StartQuery':
        return this.startQuery(body);
      case 'GetQueryResults': {
        const query = this.query(parse(QueryIdInput, body).queryId);
        const { rows, recordsMatched, recordsScanned, bytesScanned } = query.output;
        return {
          results: query.status === 'Complete' ? rows : [],
          statistics: { recordsMatched, recordsScanned, bytesScanned },
          status: query.status,
        };
      }
      case 'StopQuery': {
        const query = this.query(parse(QueryIdInput, body).queryId);
        // A local query completes when it starts: there is nothing left to stop.
        return { success: query.status !== 'Complete' };
      }
      case 'DescribeQueries': {
        const input = parse(DescribeQueriesInput, body);
        const queries = [...this.queries.values()]
          .filter((q) => input.status === undefined || q.status === input.status)
          .filter((q) => input.logGroupName === undefined || q.logGroupNames.includes(input.logGroupName))
          .reverse()
          .map((q) => ({
            queryId: q.queryId,
            queryString: q.queryString,
            status: q.status,
            createTime: q.createTime,
            logGroupName: q.logGroupNames[0],
          }));
        return this.page('queries', queries, input.nextToken, input.maxResults ?? 1000);
      }
      case 'DescribeQueryDefinitions': {
        const input = parse(DescribeQueryDefinitionsInput, body);
        const definitions = this.definitions.filter(
          (d) =>
            input.queryDefinitionNamePrefix === undefined ||
            d.name.startsWith(input.queryDefinitionNamePrefix),
        );
        return this.page('queryDefinitions', definitions, input.nextToken, input.maxResults ?? 1000);
      }
      default:
        throw new AwsError(
          'UnknownOperationException',
          `The local CloudWatch Logs does not implement ${operation}.`,
        );
    }
  }

  private describeLogGroups(body: unknown) {
    const input = parse(DescribeLogGroupsInput, body);
    if (input.logGroupNamePrefix !== undefined && input.logGroupNamePattern !== undefined)
      throw invalidParameter('logGroupNamePrefix and logGroupNamePattern cannot be given together.');
    const pattern = input.logGroupNamePattern?.toLowerCase();
    const groups = [...this.store.groups.values()]
      .filter(
        (g) => input.logGroupNamePrefix === undefined || g.logGroupName.startsWith(input.logGroupNamePrefix),
      )
      .filter((g) => pattern === undefined || g.logGroupName.toLowerCase().includes(pattern))
      .sort((a, b) => (a.logGroupName < b.logGroupName ? -1 : 1))
      .map((g) => ({
        logGroupName: g.logGroupName,
        creationTime: g.creationTime,
        ...(g.retentionInDays !== undefined ? { retentionInDays: g.retentionInDays } : {}),
        metricFilterCount: 0,
        arn: `${g.arn}:*`,
        logGroupArn: g.arn,
        storedBytes: g.storedBytes,
        logGroupClass: 'STANDARD',
      }));
    return this.page('logGroups', groups, input.nextToken, input.limit ?? 50);
  }

  private describeLogStreams(body: unknown) {
    const input = parse(DescribeLogStreamsInput, body);
    const group = this.existing(groupNameOf(input));
    if (input.orderBy === 'LastEventTime' && input.logStreamNamePrefix !== undefined)
      throw invalidParameter('Cannot order by LastEventTime with a logStreamNamePrefix.');
    const streams = [...group.streams.values()].filter(
      (s) => input.logStreamNamePrefix === undefined || s.logStreamName.startsWith(input.logStreamNamePrefix),
    );
    streams.sort((a, b) =>
      input.orderBy === 'LastEventTime'
        ? (a.lastEventTimestamp ?? 0) - (b.lastEventTimestamp ?? 0)
        : a.logStreamName < b.logStreamName
          ? -1
          : 1,
    );
    if (input.descending) streams.reverse();
    const shaped = streams.map((s) => ({ ...s, arn: `${group.arn}:log-stream:${s.logStreamName}` }));
    return this.page('logStreams', shaped, input.nextToken, input.limit ?? 50);
  }

  private startQuery(body: unknown) {
    const input = parse(StartQueryInput, body);
    const given = [input.logGroupName, input.logGroupNames, input.logGroupIdentifiers].filter(
      (x) => x !== undefined,
    );
    if (given.length !== 1)
      throw invalidParameter(
        'Exactly one of logGroupName, logGroupNames or logGroupIdentifiers must be given.',
      );
    const names = [
      ...new Set(
        input.logGroupName !== undefined
          ? [input.logGroupName]
          : (input.logGroupNames ?? input.logGroupIdentifiers!.map(nameOfIdentifier)),
      ),
    ];
    if (input.endTime < input.startTime) throw invalidParameter('endTime is before startTime.');
    const groups = names.map((name) => this.existing(name));
    const commands = parseQuery(input.queryString);
    const start = input.startTime * 1000;
    const end = input.endTime * 1000 + 999;
    const inputs: QueryInput[] = [];
    for (const group of groups)
      for (const event of this.store.events(group))
        if (event.timestamp >= start && event.timestamp <= end)
          inputs.push({ logGroupName: group.logGroupName, event });
    const output = runQuery(commands, inputs, this.accountId, input.limit);
    const queryId = randomUUID();
    this.queries.set(queryId, {
      queryId,
      queryString: input.queryString,
      logGroupNames: names,
      createTime: this.now(),
      status: 'Complete',
      output,
    });
    if (this.queries.size > MAX_QUERIES) this.queries.delete(this.queries.keys().next().value!);
    return { queryId };
  }

  private query(queryId: string): StoredQuery {
    const query = this.queries.get(queryId);
    if (!query) throw new AwsError('ResourceNotFoundException', `Query ${queryId} does not exist.`);
    return query;
  }

  private existing(name: string): LogGroup {
    const group = this.store.groups.get(name);
    if (!group) throw groupNotFound();
    return group;
  }

  private page<T>(key: string, items: readonly T[], nextToken: string | undefined, max: number) {
    const offset = decodeToken('offset', nextToken) ?? 0;
    const next = offset + max;
    return {
      [key]: items.slice(offset, next),
      ...(next < items.length ? { nextToken: encodeToken('offset', next) } : {}),
    };
  }
}
