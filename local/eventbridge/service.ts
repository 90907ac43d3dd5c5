import { AwsError, type AwsJsonService, type AwsRequestContext } from '../core/aws-service.js';
import type { EventBridgeConfig, RuleConfig, TargetConfig } from './config.js';
import { compileEventPattern } from './pattern.js';
import { isPlainObject } from './pattern-operators.js';
import type { LocalRule } from './registry.js';
import { startReplay } from './replay.js';
import { LocalEventBridge, type LocalEventBridgeOptions } from './runtime.js';

type Body = Record<string, unknown>;
type Operation = (body: Body, request: AwsRequestContext) => unknown;

const TEST_EVENT_FIELDS = ['id', 'account', 'source', 'time', 'region', 'detail-type'];

/**
 * EventBridge's JSON API (`AWSEvents.<Operation>`) over a `LocalEventBridge`. Responses carry AWS's field names,
 * timestamps as epoch seconds.
 */
export class EventBridgeService implements AwsJsonService {
  readonly targetPrefix = 'AWSEvents';
  readonly signingName = 'events';
  readonly bridge: LocalEventBridge;
  private readonly operations: Record<string, Operation>;

  constructor(config: EventBridgeConfig, options: LocalEventBridgeOptions) {
    this.bridge = new LocalEventBridge(config, options);
    const b = this.bridge;
    const r = b.registry;
    this.operations = {
      // Over the endpoint every call has a caller: its access key's role, or the account's root.
      PutEvents: (body, request) =>
        b.putEvents(body.Entries, {
          ...(request.traceHeader !== undefined && { traceHeader: request.traceHeader }),
          caller: { accessKeyId: request.accessKeyId },
        }),
      TestEventPattern: (body) => testEventPattern(body),
      ListEventBuses: (body) =>
        page(
          [...r.buses.values()]
            .filter((bus) => bus.name.startsWith(str(body.NamePrefix) ?? ''))
            .map((bus) => ({
              Name: bus.name,
              Arn: bus.arn,
              Description: bus.description,
              CreationTime: bus.creationTime / 1000,
            })),
          body,
          'EventBuses',
        ),
      DescribeEventBus: (body) => {
        const bus = r.bus(str(body.Name));
        const statements = r.busPolicy(bus.name).flatMap((policy) => policy.Statement);
        return {
          Name: bus.name,
          Arn: bus.arn,
          Description: bus.description,
          CreationTime: bus.creationTime / 1000,
          ...(statements.length > 0 && {
            Policy: JSON.stringify({ Version: '2012-10-17', Statement: statements }),
          }),
        };
      },
      ListRules: (body) =>
        page(
          r
            .rulesOf(r.bus(str(body.EventBusName)).name)
            .filter((rule) => rule.name.startsWith(str(body.NamePrefix) ?? ''))
            .map(describeRule),
          body,
          'Rules',
        ),
      DescribeRule: (body) => describeRule(r.rule(required(body, 'Name'), str(body.EventBusName))),
      ListTargetsByRule: (body) =>
        page(
          [...r.rule(required(body, 'Rule'), str(body.EventBusName)).targets.values()].map((t) => t.config),
          body,
          'Targets',
        ),
      PutRule: (body) => {
        const existing = r.rules.get(r.bus(str(body.EventBusName)).name)?.get(str(body.Name) ?? '');
        const rule = r.putRule({ ...(existing?.config ?? {}), ...(body as unknown as RuleConfig) });
        return { RuleArn: rule.arn };
      },
      DeleteRule: (body) => {
        r.deleteRule(required(body, 'Name'), str(body.EventBusName));
        return {};
      },
      EnableRule: (body) => setState(body, 'ENABLED'),
      DisableRule: (body) => setState(body, 'DISABLED'),
      PutTargets: (body) => {
        const targets = Array.isArray(body.Targets) ? (body.Targets as TargetConfig[]) : [];
        r.putTargets(required(body, 'Rule'), str(body.EventBusName), targets);
        return { FailedEntryCount: 0, FailedEntries: [] };
      },
      RemoveTargets: (body) => {
        const rule = r.rule(required(body, 'Rule'), str(body.EventBusName));
        const ids = Array.isArray(body.Ids)
          ? body.Ids.filter((id): id is string => typeof id === 'string')
          : [];
        for (const id of ids) rule.targets.delete(id);
        return { FailedEntryCount: 0, FailedEntries: [] };
      },
      ListArchives: (body) =>
        page(
          [...r.archives.values()]
            .filter((a) => a.name.startsWith(str(body.NamePrefix) ?? ''))
            .filter((a) => body.EventSourceArn === undefined || a.config.SourceArn === body.EventSourceArn)
            .map((a) => {
              const { ArchiveArn: _arn, Description: _d, EventPattern: _p, ...summary } = a.describe(b.now());
              return summary;
            }),
          body,
          'Archives',
        ),
      DescribeArchive: (body) => {
        const name = required(body, 'ArchiveName');
        const archive = r.archives.get(name);
        if (!archive) throw new AwsError('ResourceNotFoundException', `Archive ${name} does not exist.`);
        return archive.describe(b.now());
      },
      StartReplay: (body) => {
        const replay = startReplay(b, body);
        return { ReplayArn: replay.ReplayArn, State: replay.State, ReplayStartTime: replay.ReplayStartTime };
      },
      DescribeReplay: (body) => {
        const name = required(body, 'ReplayName');
        const replay = b.replays.get(name);
        if (!replay) throw new AwsError('ResourceNotFoundException', `Replay ${name} does not exist.`);
        return { ...replay };
      },
      ListReplays: (body) =>
        page(
          [...b.replays.values()]
            .filter((replay) => replay.ReplayName.startsWith(str(body.NamePrefix) ?? ''))
            .map(({ Destination: _d, Description: _desc, ...summary }) => summary),
          body,
          'Replays',
        ),
    };

    const setState = (body: Body, State: 'ENABLED' | 'DISABLED') => {
      const rule = r.rule(required(body, 'Name'), str(body.EventBusName));
      r.putRule({ ...rule.config, State });
      return {};
    };
  }

  async handle(operation: string, body: unknown, request: AwsRequestContext): Promise<unknown> {
    const handler = this.operations[operation];
    if (!handler) {
      throw new AwsError('UnknownOperationException', `The local EventBridge does not support ${operation}.`);
    }
    return handler(isPlainObject(body) ? body : {}, request);
  }
}

/** Builds the service; the same as `new EventBridgeService(config, options)`. */
export function createEventBridgeService(config: EventBridgeConfig, options: LocalEventBridgeOptions) {
  return new EventBridgeService(config, options);
}

function testEventPattern(body: Body): { Result: boolean } {
  const pattern = compileEventPattern(required(body, 'EventPattern'));
  let event: unknown;
  try {
    event = JSON.parse(required(body, 'Event'));
  } catch {
    throw new AwsError('ValidationException', 'Parameter Event is not valid.');
  }
  const missing = isPlainObject(event) ? TEST_EVENT_FIELDS.find((field) => !(field in event)) : 'id';
  if (missing) {
    throw new AwsError(
      'ValidationException',
      `Parameter Event is not valid. Reason: Provided Event is missing required field ${missing}.`,
    );
  }
  return { Result: pattern.matches(event) };
}

function describeRule(rule: LocalRule) {
  return {
    Name: rule.name,
    Arn: rule.arn,
    EventPattern: rule.pattern?.source,
    ScheduleExpression: rule.config.ScheduleExpression,
    State: rule.state,
    Description: rule.config.Description,
    RoleArn: rule.config.RoleArn,
    EventBusName: rule.busName,
  };
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

function required(body: Body, name: string): string {
  const value = str(body[name]);
  if (value === undefined) {
    throw new AwsError(
      'ValidationException',
      `1 validation error detected: Value null at '${name.charAt(0).toLowerCase()}${name.slice(1)}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return value;
}

/** Limit/NextToken paging; the token is the offset, opaque to callers. */
function page<T>(items: readonly T[], body: Body, key: string): Record<string, unknown> {
  const limit = typeof body.Limit === 'number' && body.Limit > 0 ? body.Limit : 100;
  const start = Number(str(body.NextToken) ?? 0) || 0;
  const slice = items.slice(start, start + limit);
  const next = start + limit < items.length ? String(start + limit) : undefined;
  return { [key]: slice, ...(next ? { NextToken: next } : {}) };
}
