import { randomUUID } from 'node:crypto';
import { AwsError, LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../core/aws-service.js';
import type { ReplayRecord } from './archive.js';
import {
  authorizePutEvents,
  type PutEventsCaller,
  type PutEventsCandidate,
  type PutEventsIdentities,
} from './authorize.js';
import { busNameOf, type EventBridgeConfig } from './config.js';
import {
  type DeliveryJob,
  type DeliveryRecord,
  type RetryTiming,
  TargetDeliverer,
  type TargetDispatcher,
} from './delivery.js';
import { type EventBridgeEvent, isoSeconds } from './event.js';
import { buildEvent, checkEntries, type PutEventsResponse, type PutEventsResultEntry } from './put-events.js';
import { type LocalRule, Registry } from './registry.js';
import { ScheduleRunner, type ScheduleRunnerOptions } from './schedule-runner.js';

export interface LocalEventBridgeOptions {
  readonly dispatcher: TargetDispatcher;
  /** @default LOCAL_REGION */
  readonly region?: string;
  /** @default LOCAL_ACCOUNT_ID */
  readonly accountId?: string;
  readonly retry?: RetryTiming;
  /** @default randomUUID */
  readonly newId?: () => string;
  /** How many delivery records and events the in-memory logs keep. @default 1000 */
  readonly logLimit?: number;
  /**
   * Who callers are: with it, a PutEvents that names its caller is authorized as AWS authorizes it (identity
   * policies and the bus policy, per entry). @default - no authorization
   */
  readonly identities?: PutEventsIdentities;
  /** Scheduled rules fire on this clock (`timeScale` scheduled seconds per real second). @default real time */
  readonly schedules?: ScheduleRunnerOptions;
}

export interface PutEventsOptions {
  readonly traceHeader?: string;
  /**
   * Who puts the events: the access key id of an endpoint request, or a role acting (a state machine's). In
   * process without a caller (tests, the console, plugins): not authorized.
   */
  readonly caller?: PutEventsCaller;
}

export interface AcceptedEvent {
  readonly eventBusName: string;
  readonly event: EventBridgeEvent;
  readonly matchedRules: readonly string[];
}

/** A bus-to-bus chain longer than this is a loop; AWS stops those too. */
const MAX_BUS_HOPS = 5;

/**
 * The local EventBridge: buses, rules, targets and archives, PutEvents, asynchronous delivery with the targets'
 * retry policies and DLQs, and replays. The AWS JSON service (`service.ts`) is a thin adapter over it; tests and
 * the console use it in-process.
 */
export class LocalEventBridge {
  readonly registry: Registry;
  readonly replays = new Map<string, ReplayRecord>();
  private readonly deliverer: TargetDeliverer;
  private readonly pending = new Set<Promise<unknown>>();
  private readonly deliveryLog: DeliveryRecord[] = [];
  private readonly eventLog: AcceptedEvent[] = [];
  private readonly deliveryListeners = new Set<(record: DeliveryRecord) => void>();
  private readonly eventListeners = new Set<(event: AcceptedEvent) => void>();
  private readonly newId: () => string;
  private readonly logLimit: number;
  private readonly hops = new WeakMap<object, number>();
  private readonly identities: PutEventsIdentities | undefined;
  readonly scheduler: ScheduleRunner;

  constructor(config: EventBridgeConfig, options: LocalEventBridgeOptions) {
    this.newId = options.newId ?? randomUUID;
    this.identities = options.identities;
    this.logLimit = options.logLimit ?? 1000;
    this.deliverer = new TargetDeliverer(
      this.localDispatcher(options.dispatcher),
      (r) => this.recordDelivery(r),
      options.retry,
    );
    this.registry = new Registry(options.region ?? LOCAL_REGION, options.accountId ?? LOCAL_ACCOUNT_ID, () =>
      this.now(),
    );
    this.registry.load(config);
    this.scheduler = new ScheduleRunner(
      this.registry,
      (rule, at) => this.fireSchedule(rule, at),
      options.schedules,
    );
    this.scheduler.start();
  }

  now(): number {
    return this.deliverer.now();
  }

  /**
   * PutEvents: returns once the entries are accepted; delivery to targets happens afterwards. With a caller
   * (and `identities`), each entry is authorized first: an entry denied fails on its own, and a caller that no
   * policy lets put any of the entries is refused as a whole (AccessDeniedException), as AWS answers.
   */
  putEvents(entries: unknown, options: PutEventsOptions = {}): PutEventsResponse {
    const { traceHeader, caller } = options;
    const checked = checkEntries(entries).map((entry): Checked => {
      const built = buildEvent(entry, {
        id: this.newId(),
        account: this.registry.accountId,
        region: this.registry.region,
        nowMs: this.now(),
      });
      if ('error' in built) return { failed: built.error };
      const busName = busNameOf(entry.EventBusName);
      const bus = this.registry.buses.get(busName);
      if (!bus) {
        return {
          failed: {
            ErrorCode: 'ResourceNotFoundException',
            ErrorMessage: `Event bus ${busName} does not exist.`,
          },
        };
      }
      return { entry, busName, busArn: bus.arn, event: built.event };
    });
    const valid = checked.filter((c): c is Valid => 'event' in c);
    const denials =
      caller && this.identities
        ? authorizePutEvents(this.identities, caller, valid, (busName) => this.registry.busPolicy(busName))
        : new Map<Valid, PutEventsResultEntry>();
    const results = checked.map((c): PutEventsResultEntry => {
      if ('failed' in c) return c.failed;
      const denied = denials.get(c);
      if (denied) return denied;
      this.accept(c.busName, c.event, { traceHeader: c.entry.TraceHeader ?? traceHeader });
      return { EventId: c.event.id };
    });
    return { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results };
  }

  /** Every delivery outcome so far (the most recent `logLimit`), oldest first. */
  get deliveries(): readonly DeliveryRecord[] {
    return this.deliveryLog;
  }

  /** Every event accepted so far (the most recent `logLimit`), with the rules it matched. */
  get events(): readonly AcceptedEvent[] {
    return this.eventLog;
  }

  onDelivery(listener: (record: DeliveryRecord) => void): () => void {
    this.deliveryListeners.add(listener);
    return () => this.deliveryListeners.delete(listener);
  }

  onEvent(listener: (event: AcceptedEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  /** Resolves when no delivery, retry or replay is under way. */
  async whenIdle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  /** Stops retries in flight (their events are neither delivered nor dead-lettered) and refuses new work. */
  close(): void {
    this.scheduler.stop();
    this.deliverer.close();
  }

  /** Routes an event on a bus: archives first, then every enabled rule whose pattern matches. */
  accept(
    busName: string,
    event: EventBridgeEvent,
    options: { traceHeader?: string; filterArns?: readonly string[] } = {},
  ): void {
    const acceptedAt = this.now();
    for (const archive of this.registry.archives.values()) {
      if (archive.sourceBusName === busName) archive.offer(event, acceptedAt);
    }
    const matched = this.registry
      .rulesOf(busName)
      .filter(
        (rule) =>
          rule.state !== 'DISABLED' &&
          rule.pattern !== undefined &&
          (options.filterArns === undefined || options.filterArns.includes(rule.arn)) &&
          rule.pattern.matches(event),
      );
    this.recordEvent({ eventBusName: busName, event, matchedRules: matched.map((r) => r.name) });
    for (const rule of matched) this.deliverToRule(rule, event, acceptedAt, options.traceHeader);
  }

  /**
   * A scheduled rule fires: EventBridge's "Scheduled Event" (source aws.events, the rule in `resources`, an
   * empty detail) to the rule's targets, with `time` the scheduled time.
   */
  fireSchedule(rule: LocalRule, atMs: number): EventBridgeEvent {
    const event: EventBridgeEvent = {
      version: '0',
      id: this.newId(),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: this.registry.accountId,
      time: isoSeconds(atMs),
      region: this.registry.region,
      resources: [rule.arn],
      detail: {},
    };
    this.recordEvent({ eventBusName: rule.busName, event, matchedRules: [rule.name] });
    this.deliverToRule(rule, event, this.now());
    return event;
  }

  private deliverToRule(rule: LocalRule, event: EventBridgeEvent, acceptedAt: number, traceHeader?: string) {
    const context = { ruleArn: rule.arn, ruleName: rule.name, ingestionTime: isoSeconds(acceptedAt) };
    for (const target of rule.targets.values()) {
      const job: DeliveryJob = {
        target: {
          id: target.config.Id,
          arn: target.config.Arn,
          kind: target.kind,
          roleArn: target.config.RoleArn,
          sqsParameters: target.config.SqsParameters,
        },
        input: target.render(event, context),
        meta: { ruleArn: rule.arn, ruleName: rule.name, eventBusName: rule.busName, event, traceHeader },
        retryPolicy: target.config.RetryPolicy,
        deadLetterArn: target.config.DeadLetterConfig?.Arn,
        acceptedAt,
      };
      // Delivery starts on a later turn of the event loop: PutEvents answers before any target runs.
      this.track(nextTurn().then(() => this.deliverer.run(job)));
    }
  }

  track<T>(work: Promise<T>): Promise<T> {
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work)).catch(() => {});
    return work;
  }

  /** Targets that are buses of this local cloud are served here; everything else goes to the core's dispatcher. */
  private localDispatcher(dispatcher: TargetDispatcher): TargetDispatcher {
    return {
      deliver: async (target, input, meta) => {
        const busName = target.kind === 'events' ? busNameOf(target.arn) : undefined;
        if (
          busName === undefined ||
          !this.registry.buses.has(busName) ||
          !target.arn.includes(this.registry.accountId)
        ) {
          return dispatcher.deliver(target, input, meta);
        }
        const hops = (this.hops.get(meta.event) ?? 0) + 1;
        if (hops > MAX_BUS_HOPS) throw new AwsError('LimitExceededException', 'Event bus loop detected.');
        // A bus receives the event itself; a transformed input that is a whole event is honoured.
        const forwarded = { ...(parseEvent(input) ?? meta.event) } as EventBridgeEvent;
        this.hops.set(forwarded, hops);
        this.accept(busName, forwarded, { traceHeader: meta.traceHeader });
      },
      sendToDeadLetterQueue: (queueArn, body, attributes) =>
        dispatcher.sendToDeadLetterQueue(queueArn, body, attributes),
    };
  }

  private recordDelivery(record: DeliveryRecord): void {
    pushCapped(this.deliveryLog, record, this.logLimit);
    for (const listener of this.deliveryListeners) listener(record);
  }

  private recordEvent(accepted: AcceptedEvent): void {
    pushCapped(this.eventLog, accepted, this.logLimit);
    for (const listener of this.eventListeners) listener(accepted);
  }
}

/** An entry as PutEvents checks it: failed on its own, or a valid event for an existing bus. */
type Valid = PutEventsCandidate & { readonly event: EventBridgeEvent };
type Checked = Valid | { readonly failed: PutEventsResultEntry };

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

function parseEvent(input: string): EventBridgeEvent | undefined {
  try {
    const value = JSON.parse(input) as Partial<EventBridgeEvent>;
    return value && typeof value === 'object' && value.version === '0' && typeof value.source === 'string'
      ? (value as EventBridgeEvent)
      : undefined;
  } catch {
    return undefined;
  }
}

function pushCapped<T>(log: T[], item: T, limit: number): void {
  log.push(item);
  if (log.length > limit) log.splice(0, log.length - limit);
}
